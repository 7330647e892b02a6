"""The occasion calendar: public holidays plus retail occasions, per country and date.

Rules (also in ``seeds/_seeds__reference.yml``):

* Countries: those of the UCI "Online Retail" export plus those of the data generator
  (:func:`calendar_countries`). Every holiday-library country would make the seed ~10 MB;
  orders from other countries are flagged downstream, not dropped.
* Public holidays come from the ``holidays`` library (national calendar, England's for GB,
  default categories, English names). They get type ``public_holiday``, a 3-day window.
* Retail occasions (:data:`OCCASIONS`) are added on each country's own date. When the
  library lists the same occasion (same English name) for that country, the library's date
  wins and the two become one row with the retail name and type. ``is_public_holiday``
  says whether the date is a public holiday of the country (any holiday).
  Further days of a multi-day holiday (Eid, Chinese New Year) are named ``<occasion>_holiday``.
* Lunar New Year, Diwali and Eid al-Fitr follow lunar calendars: a country whose own
  calendar has no such public holiday gets the date of a reference calendar the library
  computes (China, India, Singapore respectively).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import holidays
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

from customer_segmentation.generator.config import COUNTRIES as GENERATOR_COUNTRIES

from .countries import UCI_COUNTRY_NAMES, Country, resolve

YEARS: tuple[int, ...] = tuple(range(2010, 2029))
"""The real data (2010-2011), the generated data (2023-2026) and two years after."""

OCCASION_TYPES: tuple[str, ...] = (
    "celebratory",
    "commercial",
    "gifting",
    "public_holiday",
    "religious",
    "seasonal",
)
PUBLIC_HOLIDAY_WINDOW_DAYS = 3
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@dataclass(frozen=True)
class OccasionSpec:
    name: str
    label: str
    occasion_type: str
    window_days: int
    # English library holiday names that are this occasion (exact, without "(estimated)").
    library_names: frozenset[str] = frozenset()
    # Library names merged into the occasion's row when on its date, but that do not
    # locate it (Saudi Arabia's "Eid al-Fitr Holiday" run starts the day before Eid).
    absorbs: frozenset[str] = frozenset()

    @property
    def all_library_names(self) -> frozenset[str]:
        return self.library_names | self.absorbs


def _spec(name: str, label: str, kind: str, window: int, *library: str) -> OccasionSpec:
    return OccasionSpec(name, label, kind, window, frozenset(library))


OCCASIONS: dict[str, OccasionSpec] = {
    s.name: s
    for s in (
        _spec("new_year", "New Year's Day", "celebratory", 3, "New Year's Day"),
        _spec("lunar_new_year", "Lunar New Year", "celebratory", 14,
              "Chinese New Year", "Chinese New Year (Spring Festival)", "Lunar New Year"),
        _spec("valentines_day", "Valentine's Day", "gifting", 10, "Valentine's Day"),
        _spec("mothers_day", "Mother's Day", "gifting", 14, "Mother's Day"),
        _spec("easter_sunday", "Easter Sunday", "religious", 14, "Easter Sunday"),
        replace(_spec("eid_al_fitr", "Eid al-Fitr", "religious", 14, "Eid al-Fitr"),
                absorbs=frozenset({"Eid al-Fitr Holiday"})),
        _spec("fathers_day", "Father's Day", "gifting", 14, "Father's Day"),
        _spec("back_to_school", "Back to School", "seasonal", 21),
        _spec("diwali", "Diwali", "religious", 14, "Diwali", "Deepavali"),
        _spec("singles_day", "Singles' Day", "commercial", 0),
        _spec("black_friday", "Black Friday", "commercial", 0),
        _spec("cyber_monday", "Cyber Monday", "commercial", 0),
        _spec("christmas_day", "Christmas Day", "gifting", 28, "Christmas Day", "Christmas"),
        _spec("new_years_eve", "New Year's Eve", "celebratory", 7, "New Year's Eve"),
    )
}

# Reference calendars for occasions on lunar calendars (the library computes them).
REFERENCE_CALENDAR: dict[str, str] = {
    "lunar_new_year": "CN",
    "diwali": "IN",
    "eid_al_fitr": "SG",
}

# The national calendar, except where it misses holidays most customers have: the UK's
# UK-wide list lacks Easter Monday and the August bank holiday, so GB uses England's
# (84% of the population).
SUBDIVISIONS: dict[str, str] = {"GB": "ENG"}

# Countries that celebrate Orthodox Easter.
ORTHODOX_EASTER: frozenset[str] = frozenset({"CY", "GR"})

# School-year start where the hemisphere default (northern 15 Aug, southern 1 Feb) is wrong.
SCHOOL_YEAR_START: dict[str, tuple[int, int]] = {"JP": (4, 1), "SG": (1, 2)}


@dataclass(frozen=True, order=True)
class OccasionRow:
    country_code: str
    occasion_date: date
    occasion_name: str
    occasion_label: str
    occasion_type: str
    window_days: int
    is_public_holiday: bool


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_NON_WORD = re.compile(r"[^a-z0-9]+")
_ESTIMATED = re.compile(r"\s*\((observed, )?estimated\)")


def slug(text: str) -> str:
    """``New Year's Day`` -> ``new_years_day`` (apostrophes dropped, accents folded)."""
    folded = ascii_fold(text).lower().replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub("_", folded).strip("_")


def base_name(name: str) -> str:
    """Library name without the "(estimated)" flag, which changes between releases."""
    return _ESTIMATED.sub(lambda m: " (observed)" if m.group(1) else "", name)


# --- date rules ----------------------------------------------------------------------


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based) weekday (Mon=0) of a month; n=-1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter_sunday(country: str, year: int) -> date:
    method = EASTER_ORTHODOX if country in ORTHODOX_EASTER else EASTER_WESTERN
    return easter(year, method)


def mothers_day(country: str, year: int) -> date:
    """Mother's Day on each country's own date; default: 2nd Sunday of May."""
    if country in ("GB", "IE"):
        return easter(year) - timedelta(days=21)  # Mothering Sunday, 4th Sunday of Lent
    if country == "FR":
        # Last Sunday of May; the first Sunday of June when that is Pentecost.
        d = nth_weekday(year, 5, SUN, -1)
        return d + timedelta(days=7) if d == easter(year) + timedelta(days=49) else d
    if country in ("ES", "PT", "LT"):
        return nth_weekday(year, 5, SUN, 1)
    if country == "SE":
        return nth_weekday(year, 5, SUN, -1)
    if country == "NO":
        return nth_weekday(year, 2, SUN, 2)
    if country == "PL":
        return date(year, 5, 26)
    if country in ("AE", "BH", "LB", "SA"):
        return date(year, 3, 21)  # Arab world
    return nth_weekday(year, 5, SUN, 2)


def fathers_day(country: str, year: int) -> date:
    """Father's Day on each country's own date; default: 3rd Sunday of June."""
    if country in ("AU", "NZ"):
        return nth_weekday(year, 9, SUN, 1)
    if country == "DE":
        return easter(year) + timedelta(days=39)  # Ascension Day (Vatertag)
    if country in ("ES", "IT", "PT"):
        return date(year, 3, 19)  # St Joseph's Day
    if country == "BR":
        return nth_weekday(year, 8, SUN, 2)
    if country in ("AT", "BE"):
        return nth_weekday(year, 6, SUN, 2)
    if country in ("CH", "LT"):
        return nth_weekday(year, 6, SUN, 1)
    if country == "DK":
        return date(year, 6, 5)
    if country in ("FI", "IS", "NO", "SE"):
        return nth_weekday(year, 11, SUN, 2)
    if country == "PL":
        return date(year, 6, 23)
    if country in ("AE", "BH", "LB", "SA"):
        return date(year, 6, 21)  # Arab world
    return nth_weekday(year, 6, SUN, 3)


def valentines_day(country: str, year: int) -> date:
    """14 February; Brazil's Dia dos Namorados is 12 June."""
    return date(year, 6, 12) if country == "BR" else date(year, 2, 14)


def black_friday(year: int) -> date:
    """The day after US Thanksgiving (4th Thursday of November)."""
    return nth_weekday(year, 11, THU, 4) + timedelta(days=1)


def back_to_school(country: str, hemisphere: str, year: int) -> date:
    """Start of the school year: northern 15 Aug, southern 1 Feb, unless listed."""
    default = (2, 1) if hemisphere == "southern" else (8, 15)
    month, day = SCHOOL_YEAR_START.get(country, default)
    return date(year, month, day)


def rule_dates(country: Country, year: int) -> dict[str, date]:
    """Dates of the retail occasions computed by rule (not the lunar ones)."""
    code = country.country_code
    return {
        "new_year": date(year, 1, 1),
        "valentines_day": valentines_day(code, year),
        "mothers_day": mothers_day(code, year),
        "easter_sunday": easter_sunday(code, year),
        "fathers_day": fathers_day(code, year),
        "back_to_school": back_to_school(code, country.hemisphere, year),
        "singles_day": date(year, 11, 11),
        "black_friday": black_friday(year),
        "cyber_monday": black_friday(year) + timedelta(days=3),
        "christmas_day": date(year, 12, 25),
        "new_years_eve": date(year, 12, 31),
    }


# --- the holidays library --------------------------------------------------------------


@cache
def library_holidays(code: str, years: tuple[int, ...]) -> tuple[tuple[date, str], ...]:
    """(date, English name) of each public holiday, sorted (see :data:`SUBDIVISIONS`)."""
    cls = holidays.country_holidays(code).__class__
    language = "en_US" if "en_US" in (cls.supported_languages or ()) else None
    cal = holidays.country_holidays(
        code, subdiv=SUBDIVISIONS.get(code), years=years, language=language
    )
    return tuple(sorted((d, name) for d in cal for name in cal.get_list(d)))


def occurrences(entries: Iterable[tuple[date, str]], names: frozenset[str]) -> list[date]:
    """First day of each run of consecutive days carrying one of ``names``."""
    days = sorted({d for d, name in entries if base_name(name) in names})
    return [d for d in days if d - timedelta(days=1) not in days]


def occasion_dates(
    country: Country, years: tuple[int, ...], lib: tuple[tuple[date, str], ...]
) -> dict[str, list[date]]:
    """Dates of every retail occasion; the country's own library dates win per year."""
    out: dict[str, list[date]] = {}
    rules: dict[int, dict[str, date]] = {y: rule_dates(country, y) for y in years}
    for name, spec in OCCASIONS.items():
        own = occurrences(lib, spec.library_names) if spec.library_names else []
        if name in REFERENCE_CALENDAR:
            fallback = occurrences(library_holidays(REFERENCE_CALENDAR[name], years),
                                   spec.library_names)
        else:
            fallback = [rules[y][name] for y in years]
        dates: list[date] = []
        for year in years:
            mine = [d for d in own if d.year == year]
            dates += mine or [d for d in fallback if d.year == year]
        out[name] = dates
    return out


def country_occasions(country: Country, years: tuple[int, ...] = YEARS) -> list[OccasionRow]:
    """Public holidays and retail occasions of one country, deduplicated and sorted."""
    code = country.country_code
    lib = library_holidays(code, years)
    dates = occasion_dates(country, years, lib)
    rows: dict[tuple[date, str], OccasionRow] = {}

    def put(row: OccasionRow) -> None:
        key = (row.occasion_date, row.occasion_name)
        if key in rows:  # two library names with one slug on one day: keep both labels
            old = rows[key]
            if row.occasion_label not in old.occasion_label.split("; "):
                label = f"{old.occasion_label}; {row.occasion_label}"
                row = replace(old, occasion_label=label)
            else:
                row = old
        rows[key] = row

    lib_days = {d for d, _ in lib}
    for d, name in lib:
        base = base_name(name)
        spec = next((s for s in OCCASIONS.values() if base in s.all_library_names), None)
        if spec is not None and d in dates[spec.name]:
            continue  # becomes the retail occasion's row below
        occasion = f"{spec.name}_holiday" if spec is not None else slug(base)
        put(OccasionRow(code, d, occasion, name, "public_holiday",
                        PUBLIC_HOLIDAY_WINDOW_DAYS, True))
    for name, spec in OCCASIONS.items():
        for d in dates[name]:
            put(OccasionRow(code, d, name, spec.label, spec.occasion_type,
                            spec.window_days, d in lib_days))
    return sorted(rows.values())


def calendar_countries(aliases: dict[str, str]) -> tuple[str, ...]:
    """Codes that get an occasion calendar: UCI export countries + generator countries."""
    uci = {resolve(aliases, n) for n in UCI_COUNTRY_NAMES}
    codes = {c for c in uci if c} | {c.code for c in GENERATOR_COUNTRIES}
    return tuple(sorted(codes))


def build_occasion_calendar(
    countries: Iterable[Country],
    codes: Iterable[str],
    years: tuple[int, ...] = YEARS,
    progress: Callable[[str], None] | None = None,
) -> list[OccasionRow]:
    by_code = {c.country_code: c for c in countries}
    rows: list[OccasionRow] = []
    for code in sorted(codes):
        if progress is not None:
            progress(code)
        rows += country_occasions(by_code[code], years)
    return rows
