"""Run options and the static reference data the generator draws from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

OutputFormat = Literal["csv", "parquet"]

REPORTING_CURRENCY = "USD"


@dataclass(frozen=True)
class GeneratorConfig:
    out: Path
    customers: int = 10_000
    seed: int = 42
    dirty: float = 0.0
    fmt: OutputFormat = "csv"
    start_date: date = date(2023, 7, 1)
    end_date: date = date(2026, 6, 30)
    # 50k customers keep one chunk's orders and items (~1.5M rows) well under 1 GB.
    chunk_size: int = 50_000
    show_progress: bool = True

    def __post_init__(self) -> None:
        if self.customers < 1:
            raise ValueError("customers must be >= 1")
        if not 0.0 <= self.dirty < 0.5:
            raise ValueError("dirty must be in [0, 0.5)")
        if self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        if self.customers > 9_999_999:
            raise ValueError("customer ids have 7 digits: at most 9,999,999 customers")


@dataclass(frozen=True)
class Country:
    code: str
    alpha3: str
    names: tuple[str, ...]  # English spellings a country seed can map back
    weight: float
    currency: str
    utc_offset_hours: float  # standard time; used only to render some local timestamps
    phone_prefix: str
    southern: bool
    regions: tuple[tuple[str, tuple[str, ...]], ...]  # (region, cities)
    company_suffix: str


COUNTRIES: tuple[Country, ...] = (
    Country(
        "GB",
        "GBR",
        ("United Kingdom", "Great Britain"),
        22,
        "GBP",
        0,
        "+44",
        False,
        (
            ("England", ("London", "Manchester", "Bristol", "Leeds")),
            ("Scotland", ("Edinburgh", "Glasgow")),
            ("Wales", ("Cardiff", "Swansea")),
        ),
        "Ltd",
    ),
    Country(
        "US",
        "USA",
        ("United States", "USA"),
        20,
        "USD",
        -5,
        "+1",
        False,
        (
            ("CA", ("Los Angeles", "San Francisco", "San Diego")),
            ("NY", ("New York", "Buffalo")),
            ("TX", ("Austin", "Houston", "Dallas")),
            ("IL", ("Chicago",)),
            ("WA", ("Seattle", "Spokane")),
        ),
        "Inc.",
    ),
    Country(
        "DE",
        "DEU",
        ("Germany",),
        12,
        "EUR",
        1,
        "+49",
        False,
        (
            ("Bayern", ("München", "Nürnberg")),
            ("Berlin", ("Berlin",)),
            ("Hamburg", ("Hamburg",)),
            ("Nordrhein-Westfalen", ("Köln", "Düsseldorf")),
        ),
        "GmbH",
    ),
    Country(
        "FR",
        "FRA",
        ("France",),
        6,
        "EUR",
        1,
        "+33",
        False,
        (
            ("Île-de-France", ("Paris", "Versailles")),
            ("Occitanie", ("Toulouse", "Montpellier")),
            ("Auvergne-Rhône-Alpes", ("Lyon", "Grenoble")),
        ),
        "SARL",
    ),
    Country(
        "IE",
        "IRL",
        ("Ireland", "EIRE"),
        4,
        "EUR",
        0,
        "+353",
        False,
        (
            ("Leinster", ("Dublin", "Kilkenny")),
            ("Munster", ("Cork", "Limerick")),
            ("Connacht", ("Galway",)),
        ),
        "Ltd",
    ),
    Country(
        "NL",
        "NLD",
        ("Netherlands",),
        4,
        "EUR",
        1,
        "+31",
        False,
        (
            ("Noord-Holland", ("Amsterdam", "Haarlem")),
            ("Zuid-Holland", ("Rotterdam", "Den Haag")),
            ("Utrecht", ("Utrecht",)),
        ),
        "B.V.",
    ),
    Country(
        "ES",
        "ESP",
        ("Spain",),
        5,
        "EUR",
        1,
        "+34",
        False,
        (
            ("Madrid", ("Madrid",)),
            ("Cataluña", ("Barcelona", "Girona")),
            ("Andalucía", ("Sevilla", "Málaga")),
        ),
        "S.L.",
    ),
    Country(
        "AU",
        "AUS",
        ("Australia",),
        6,
        "AUD",
        10,
        "+61",
        True,
        (
            ("NSW", ("Sydney", "Newcastle")),
            ("VIC", ("Melbourne", "Geelong")),
            ("QLD", ("Brisbane", "Gold Coast")),
            ("WA", ("Perth",)),
        ),
        "Pty Ltd",
    ),
    Country(
        "NZ",
        "NZL",
        ("New Zealand",),
        3,
        "NZD",
        12,
        "+64",
        True,
        (
            ("Auckland", ("Auckland",)),
            ("Wellington", ("Wellington",)),
            ("Canterbury", ("Christchurch",)),
        ),
        "Ltd",
    ),
    Country(
        "BR",
        "BRA",
        ("Brazil",),
        4,
        "BRL",
        -3,
        "+55",
        True,
        (
            ("SP", ("São Paulo", "Campinas")),
            ("RJ", ("Rio de Janeiro", "Niterói")),
            ("MG", ("Belo Horizonte",)),
        ),
        "Ltda",
    ),
    Country(
        "ZA",
        "ZAF",
        ("South Africa", "RSA"),
        3,
        "ZAR",
        2,
        "+27",
        True,
        (
            ("Gauteng", ("Johannesburg", "Pretoria")),
            ("Western Cape", ("Cape Town", "Stellenbosch")),
            ("KwaZulu-Natal", ("Durban",)),
        ),
        "(Pty) Ltd",
    ),
    Country(
        "JP",
        "JPN",
        ("Japan",),
        4,
        "JPY",
        9,
        "+81",
        False,
        (("Tokyo", ("Tokyo",)), ("Osaka", ("Osaka", "Sakai")), ("Kanagawa", ("Yokohama",))),
        "K.K.",
    ),
    Country(
        "CA",
        "CAN",
        ("Canada",),
        4,
        "CAD",
        -5,
        "+1",
        False,
        (
            ("ON", ("Toronto", "Ottawa")),
            ("QC", ("Montréal", "Québec")),
            ("BC", ("Vancouver", "Victoria")),
        ),
        "Inc.",
    ),
    Country(
        "IN",
        "IND",
        ("India",),
        3,
        "INR",
        5.5,
        "+91",
        False,
        (
            ("Maharashtra", ("Mumbai", "Pune")),
            ("Karnataka", ("Bengaluru", "Mysuru")),
            ("Delhi", ("New Delhi",)),
        ),
        "Pvt Ltd",
    ),
)

# USD per one unit, a realistic mid-2023 level; fx.py walks around it.
FX_LEVELS: dict[str, float] = {
    "GBP": 1.27,
    "EUR": 1.09,
    "AUD": 0.67,
    "NZD": 0.62,
    "BRL": 0.20,
    "ZAR": 0.054,
    "JPY": 0.0070,
    "CAD": 0.75,
    "INR": 0.0121,
}
# Currencies priced without minor units in shops.
ZERO_DECIMAL_CURRENCIES: frozenset[str] = frozenset({"JPY"})
CURRENCIES: tuple[str, ...] = (REPORTING_CURRENCY, *FX_LEVELS)


@dataclass(frozen=True)
class Persona:
    name: str
    share: float


# Shares sum to 1. Prospects never order; every other persona has a distinct
# behavioural signature (see orders.py) so clustering can recover it.
PERSONAS: tuple[Persona, ...] = (
    Persona("loyal_high_spender", 0.11),
    Persona("bargain_hunter", 0.12),
    Persona("holiday_shopper", 0.11),
    Persona("birthday_treater", 0.10),
    Persona("gifter", 0.11),
    Persona("one_and_done", 0.12),
    Persona("lapsed_regular", 0.10),
    Persona("b2b_bulk", 0.06),
    Persona("weekend_browser", 0.12),
    Persona("prospect", 0.05),
)
PERSONA_NAMES: tuple[str, ...] = tuple(p.name for p in PERSONAS)
PERSONA_INDEX: dict[str, int] = {n: i for i, n in enumerate(PERSONA_NAMES)}

CATEGORIES: tuple[str, ...] = (
    "home",
    "kitchen",
    "toys",
    "apparel",
    "beauty",
    "garden",
    "stationery",
)
SUBCATEGORIES: dict[str, tuple[str, ...]] = {
    "home": ("candles", "cushions", "lighting", "wall art", "storage"),
    "kitchen": ("cookware", "knives", "tableware", "coffee", "baking"),
    "toys": ("puzzles", "plush", "building sets", "board games", "outdoor play"),
    "apparel": ("knitwear", "t-shirts", "scarves", "socks", "outerwear"),
    "beauty": ("skincare", "fragrance", "bath", "haircare", "gift sets"),
    "garden": ("planters", "seeds", "tools", "lighting", "bird care"),
    "stationery": ("notebooks", "pens", "cards", "desk", "wrapping"),
}
# Median list price in USD per category; prices are lognormal around it.
CATEGORY_PRICE: dict[str, float] = {
    "home": 38.0,
    "kitchen": 32.0,
    "toys": 24.0,
    "apparel": 45.0,
    "beauty": 28.0,
    "garden": 30.0,
    "stationery": 12.0,
}
TAGS: tuple[str, ...] = ("eco", "premium", "kids", "seasonal", "bestseller")

# Category affinity per persona (order follows CATEGORIES); gives the
# category-mix features a persona-specific shape.
PERSONA_CATEGORY_WEIGHTS: dict[str, tuple[float, ...]] = {
    "loyal_high_spender": (3, 3, 1, 2, 2, 1, 1),
    "bargain_hunter": (2, 2, 2, 3, 2, 1, 2),
    "holiday_shopper": (2, 1, 5, 1, 2, 0.5, 1),
    "birthday_treater": (1, 1, 1, 3, 4, 0.5, 1),
    "gifter": (1, 1, 2, 1, 5, 1, 2),
    "one_and_done": (2, 2, 2, 2, 2, 2, 2),
    "lapsed_regular": (2, 4, 1, 1, 2, 2, 1),
    "b2b_bulk": (1, 2, 0.2, 0.5, 0.5, 1, 6),
    "weekend_browser": (1, 1, 1, 4, 2, 3, 1),
    "prospect": (1, 1, 1, 1, 1, 1, 1),
    "guest": (2, 2, 2, 2, 2, 2, 2),
}
