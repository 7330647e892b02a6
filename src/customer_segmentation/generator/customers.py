"""Customers: who they are (persona, country, birthday) and their CRM row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import formatting as fmt
from .calendar import SECONDS_PER_DAY
from .config import COUNTRIES, PERSONA_INDEX, PERSONAS

FIRST_NAMES = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Sophie",
    "Emma",
    "Hannah",
    "Lea",
    "Chloe",
    "Aoife",
    "Saoirse",
    "Lucia",
    "Julia",
    "Yuki",
    "Hana",
    "Priya",
    "Ananya",
    "Zanele",
    "Thandi",
    "Beatriz",
    "Ana",
    "Charlotte",
    "Grace",
    "Ruby",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Jack",
    "Liam",
    "Lucas",
    "Hugo",
    "Finn",
    "Sean",
    "Conor",
    "Mateo",
    "Pablo",
    "Haruto",
    "Ren",
    "Arjun",
    "Rohan",
    "Sipho",
    "Thabo",
    "Joao",
    "Pedro",
    "Ethan",
    "Mason",
    "Alex",
    "Sam",
)
LAST_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Miller",
    "Garcia",
    "Martinez",
    "Muller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Martin",
    "Bernard",
    "Dubois",
    "Murphy",
    "Kelly",
    "OSullivan",
    "de Vries",
    "Jansen",
    "Bakker",
    "Lopez",
    "Sanchez",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Sharma",
    "Patel",
    "Singh",
    "Nkosi",
    "Dlamini",
    "Naidoo",
    "Silva",
    "Santos",
    "Oliveira",
    "Campbell",
    "Thompson",
    "Roy",
    "Tremblay",
    "Walker",
    "Young",
)
EMAIL_DOMAINS = ("example.com", "mail.example", "post.example", "inbox.example", "web.example")
GENDERS: tuple[tuple[str | None, float], ...] = (
    ("F", 0.14),
    ("female", 0.2),
    ("Female", 0.06),
    ("f", 0.04),
    ("Male", 0.12),
    ("m", 0.07),
    ("male", 0.14),
    ("M", 0.08),
    ("non-binary", 0.02),
    (None, 0.09),
    ("prefer not to say", 0.04),
)
ACQUISITION = ("organic", "paid_search", "referral", "social", "store", "email")
INDUSTRIES = (
    "hospitality",
    "retail",
    "education",
    "healthcare",
    "professional services",
    "events",
    "real estate",
    "manufacturing",
)
COMPANY_WORDS = ("Studio", "Trading", "Events", "Hospitality", "Supplies", "Interiors", "Group")

FEB29_SHARE = 0.003  # far above the natural 0.07%, so leap-day handling gets exercised


@dataclass(frozen=True)
class CustomerChunk:
    number: np.ndarray  # 1-based customer number; id = C + 7 digits
    ids: pa.Array
    persona: np.ndarray
    country: np.ndarray
    has_birth: np.ndarray
    birth_day: np.ndarray  # day number (valid where has_birth)
    birth_month: np.ndarray
    birth_dom: np.ndarray
    signup_ts: np.ndarray
    opt_in: np.ndarray  # bool: contactable for campaigns (NULL counts as no)
    updated_ts: np.ndarray
    table: pa.Table


def _weighted(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _birth_dates(
    rng: np.random.Generator, n: int, end_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    oldest = end_day - int(85 * 365.25)
    youngest = end_day - int(18 * 365.25)
    day = rng.integers(oldest, youngest, n)
    feb29 = rng.random(n) < FEB29_SHARE
    if feb29.any():
        first_year = int(np.datetime64(int(oldest), "D").astype("datetime64[Y]").astype(int)) + 1971
        leap_years = np.array([y for y in range(first_year, first_year + 64) if y % 4 == 0])
        years = rng.choice(leap_years, int(feb29.sum()))
        day[feb29] = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
            np.int64
        ) + 59  # 1 Jan + 59 days = 29 Feb in a leap year
    d = day.astype("datetime64[D]")
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return day, month, dom


def _signup(
    rng: np.random.Generator, persona: np.ndarray, start_day: int, end_day: int
) -> np.ndarray:
    """Signup times: each persona needs enough history to show its pattern."""
    n = len(persona)
    u = rng.random(n)
    span = end_day - start_day
    before = rng.random(n) < 0.5
    lo = np.where(before, start_day - 4 * 365, start_day)
    hi = np.where(before, start_day, end_day - 400)
    ooo, lapsed, prospect = (
        PERSONA_INDEX["one_and_done"],
        PERSONA_INDEX["lapsed_regular"],
        PERSONA_INDEX["prospect"],
    )
    lo = np.where(persona == ooo, start_day - 2 * 365, lo)
    hi = np.where(persona == ooo, start_day + int(0.35 * span), hi)
    lo = np.where(persona == lapsed, start_day - 3 * 365, lo)
    hi = np.where(persona == lapsed, start_day + 60, hi)
    lo = np.where(persona == prospect, start_day - 3 * 365, lo)
    hi = np.where(persona == prospect, end_day - 1, hi)
    day = lo + (u * (hi - lo)).astype(np.int64)
    return day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, n)


def _postal(rng: np.random.Generator, code: str) -> str:
    d = rng.integers(0, 10, 8)
    letters = "ABCDEFGHJKLMNPRSTUVWXY"
    la = [letters[i] for i in rng.integers(0, len(letters), 4)]
    s = "".join(str(x) for x in d)
    patterns = {
        "GB": f"{la[0]}{la[1]}{d[0] + 1} {d[1]}{la[2]}{la[3]}",
        "IE": f"D{d[0]}{d[1]} {la[0]}{d[2]}{d[3]}{d[4]}",
        "NL": f"{d[0] + 1}{s[1:4]} {la[0]}{la[1]}",
        "BR": f"{s[:5]}-{s[5:8]}",
        "JP": f"{s[:3]}-{s[3:7]}",
        "CA": f"{la[0]}{d[0]}{la[1]} {d[1]}{la[2]}{d[2]}",
        "IN": f"{d[0] + 1}{s[1:6]}",
        "AU": s[:4],
        "NZ": s[:4],
        "ZA": s[:4],
    }
    return patterns.get(code, s[:5])


def build_customers(
    rng: np.random.Generator,
    first_number: int,
    n: int,
    start_day: int,
    end_day: int,
    local_share: float,
) -> CustomerChunk:
    number = np.arange(first_number, first_number + n, dtype=np.int64)
    persona = _weighted(rng, np.array([p.share for p in PERSONAS]), n)
    country = _weighted(rng, np.array([c.weight for c in COUNTRIES]), n)
    birth_day, birth_month, birth_dom = _birth_dates(rng, n, end_day)
    has_birth = (rng.random(n) < 0.83) | (persona == PERSONA_INDEX["birthday_treater"])
    signup_ts = _signup(rng, persona, start_day, end_day)
    end_ts = (end_day + 1) * SECONDS_PER_DAY - 1
    updated_ts = signup_ts + (rng.random(n) ** 0.5 * (end_ts - signup_ts)).astype(np.int64)
    business = persona == PERSONA_INDEX["b2b_bulk"]
    opt_draw = rng.random(n)
    opt_in = opt_draw < 0.55
    opt_null = opt_draw > 0.9

    # Row text: a loop over one chunk (<= 50k rows) is cheap next to orders.
    first_idx = rng.integers(0, len(FIRST_NAMES), n)
    last_idx = rng.integers(0, len(LAST_NAMES), n)
    domain_idx = rng.integers(0, len(EMAIL_DOMAINS), n)
    region_draw = rng.random(n)
    city_draw = rng.random(n)
    form_draw = rng.random(n)
    phone_digits = rng.integers(100_000_000, 999_999_999, n)
    emails, phones, regions, cities, postals, countries, companies = [], [], [], [], [], [], []
    for i in range(n):
        c = COUNTRIES[country[i]]
        first, last = FIRST_NAMES[first_idx[i]], LAST_NAMES[last_idx[i]]
        local_part = f"{first}.{last.replace(' ', '')}{number[i] % 1000}"
        emails.append(f"{local_part}@{EMAIL_DOMAINS[domain_idx[i]]}".lower())
        phones.append(f"{c.phone_prefix} {phone_digits[i]}" if form_draw[i] < 0.96 else None)
        region, region_cities = c.regions[int(region_draw[i] * len(c.regions))]
        regions.append(region)
        cities.append(region_cities[int(city_draw[i] * len(region_cities))])
        postals.append(_postal(rng, c.code))
        if form_draw[i] < 0.80:
            countries.append(c.code)
        elif form_draw[i] < 0.88:
            countries.append(c.alpha3)
        else:
            countries.append(c.names[int(number[i]) % len(c.names)])
        companies.append(
            f"{last} {COMPANY_WORDS[int(number[i]) % len(COMPANY_WORDS)]} {c.company_suffix}"
            if business[i]
            else None
        )

    gender_codes = _weighted(rng, np.array([w for _, w in GENDERS]), n)
    channel_w = np.array([0.34, 0.24, 0.12, 0.16, 0.08, 0.06])
    acquisition = _weighted(rng, channel_w, n)
    acquisition = np.where(business & (rng.random(n) < 0.5), 4, acquisition)
    consumer_type = np.where(rng.random(n) < 0.85, 0, 2)  # consumer or NULL (= consumer)
    customer_type = np.where(business, 1, consumer_type)
    offsets = np.array([int(c.utc_offset_hours * 3600) for c in COUNTRIES])[country]
    employees = np.rint(rng.lognormal(3.0, 1.0, n)).astype(np.int64) + 2
    revenue_cents = employees * rng.integers(40_000, 160_000, n) * 100

    ids = fmt.ids("C", number, 7)
    table = pa.table(
        {
            "customer_id": ids,
            "email": pa.array(emails),
            "first_name": fmt.pick(FIRST_NAMES, first_idx),
            "last_name": fmt.pick(LAST_NAMES, last_idx),
            "phone": pa.array(phones, type=pa.string()),
            "birth_date": fmt.null_where(fmt.dates(birth_day), ~has_birth),
            "gender": fmt.pick([g for g, _ in GENDERS], gender_codes),
            "country": pa.array(countries),
            "region": pa.array(regions),
            "city": pa.array(cities),
            "postal_code": pa.array(postals),
            "signup_at": fmt.timestamps(signup_ts, offsets, rng.random(n) < local_share),
            "acquisition_channel": fmt.pick(ACQUISITION, acquisition),
            "marketing_opt_in": fmt.null_where(fmt.bools(opt_in), opt_null),
            "customer_type": fmt.pick(["consumer", "business", None], customer_type),
            "company_name": pa.array(companies, type=pa.string()),
            "industry": fmt.null_where(
                fmt.pick(INDUSTRIES, rng.integers(0, len(INDUSTRIES), n)), ~business
            ),
            "employee_count": fmt.null_where(fmt.integers(employees), ~business),
            "annual_revenue": fmt.null_where(fmt.money(revenue_cents), ~business),
            "updated_at": fmt.timestamps(
                updated_ts, offsets, (rng.random(n) < local_share) & (updated_ts < end_ts - 86_400)
            ),
        }
    )
    return CustomerChunk(
        number,
        ids,
        persona,
        country,
        has_birth,
        birth_day,
        birth_month,
        birth_dom,
        signup_ts,
        opt_in & ~opt_null,
        updated_ts,
        table,
    )
