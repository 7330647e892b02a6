"""Day arithmetic and the retail occasions personas shop for.

All times are int64 seconds since 1970-01-01 UTC and all days are int64 days
since the epoch: numpy can then vectorise every draw.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .config import COUNTRIES

SECONDS_PER_DAY = 86_400
EPOCH = date(1970, 1, 1)


def to_day(d: date) -> int:
    return (d - EPOCH).days


def from_day(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based) given weekday (Mon=0) of a month; n=-1 means the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def mothers_day(country: str, year: int) -> date:
    """Mother's Day as each market celebrates it; the UK/IE date moves with Easter."""
    if country in ("GB", "IE"):
        return easter(year) - timedelta(days=21)  # Mothering Sunday
    if country == "ES":
        return nth_weekday(year, 5, 6, 1)
    if country == "FR":
        # Last Sunday of May, moved to June when it collides with Pentecost.
        d = nth_weekday(year, 5, 6, -1)
        return d + timedelta(days=7) if d == easter(year) + timedelta(days=49) else d
    return nth_weekday(year, 5, 6, 2)


def black_friday(year: int) -> date:
    return nth_weekday(year, 11, 3, 4)


def event_days(years: np.ndarray) -> dict[str, np.ndarray]:
    """Per-year day numbers of global occasions, indexed by year - years[0]."""
    return {
        "christmas": np.array([to_day(date(int(y), 12, 25)) for y in years], dtype=np.int64),
        "black_friday": np.array([to_day(black_friday(int(y))) for y in years], dtype=np.int64),
        "valentines": np.array([to_day(date(int(y), 2, 14)) for y in years], dtype=np.int64),
    }


def mothers_day_table(years: np.ndarray) -> np.ndarray:
    """Day number of Mother's Day, shape (n_countries, n_years)."""
    return np.array(
        [[to_day(mothers_day(c.code, int(y))) for y in years] for c in COUNTRIES], dtype=np.int64
    )


def seasonal_intensity(first_day: int, last_day: int) -> np.ndarray:
    """Relative daily order intensity: a Q4 peak and busier weekends.

    Used as an inverse-CDF sampling density for orders not tied to an occasion.
    """
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    dates = days.astype("datetime64[D]")
    month = (dates.astype("datetime64[M]").astype(np.int64) % 12) + 1
    month_weight = np.array([0.85, 0.8, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.95, 1.05, 1.35, 1.6])
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (Mon=0)
    weekday_weight = np.array([0.95, 0.95, 0.95, 1.0, 1.05, 1.1, 1.0])
    return month_weight[month - 1] * weekday_weight[weekday]


def weekday_of(day: np.ndarray) -> np.ndarray:
    """Mon=0 .. Sun=6."""
    return (day + 3) % 7


def birthday_days(birth_month: np.ndarray, birth_dom: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Day number of each customer's birthday in each given year.

    A 29 February birthday falls on 28 February in common years, as most
    shops' birthday e-mails do.
    """
    y = years.astype(np.int64)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dom = np.where((birth_month == 2) & (birth_dom == 29) & ~leap, 28, birth_dom)
    month_start = ((y - 1970) * 12 + (birth_month - 1)).astype("datetime64[M]")
    return month_start.astype("datetime64[D]").astype(np.int64) + dom - 1
