"""When each persona orders: the behavioural signal the personas are built on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import (
    SECONDS_PER_DAY,
    birthday_days,
    event_days,
    mothers_day_table,
    seasonal_intensity,
    weekday_of,
)
from .config import PERSONA_INDEX
from .customers import CustomerChunk

# Orders per active year for personas whose dates are free (not occasion-bound).
FREE_RATE: dict[str, float] = {
    "loyal_high_spender": 8.0,
    "bargain_hunter": 4.5,
    "weekend_browser": 6.5,
    "b2b_bulk": 4.0,
}
OCCASION_RATE: dict[str, float] = {"holiday_shopper": 2.6, "birthday_treater": 1.4, "gifter": 3.0}
# Relative hour-of-day weights (UTC is close enough for the pattern to survive).
CONSUMER_HOURS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.4,
        0.8,
        1.5,
        2.2,
        2.6,
        2.8,
        3.0,
        3.6,
        3.4,
        2.9,
        2.8,
        2.9,
        3.2,
        3.8,
        4.5,
        4.8,
        4.2,
        3.0,
        1.8,
    ]
)
WEEKEND_HOURS = np.where((np.arange(24) >= 9) & (np.arange(24) <= 18), 4.0, 0.4)
BUSINESS_HOURS = np.where((np.arange(24) >= 8) & (np.arange(24) <= 17), 5.0, 0.1)


@dataclass(frozen=True)
class Calendar:
    """Per-run calendar data shared by every chunk."""

    start_day: int
    end_day: int
    years: np.ndarray
    events: dict[str, np.ndarray]
    mothers_day: np.ndarray
    cum_intensity: np.ndarray  # cumsum with a leading 0 over start_day..end_day

    @property
    def start_ts(self) -> int:
        return self.start_day * SECONDS_PER_DAY

    @property
    def end_ts(self) -> int:
        return (self.end_day + 1) * SECONDS_PER_DAY - 1

    def year_index(self, day: np.ndarray) -> np.ndarray:
        year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        return year - int(self.years[0])


def build_calendar(start_day: int, end_day: int) -> Calendar:
    first_year = int(np.datetime64(start_day, "D").astype("datetime64[Y]").astype(int)) + 1970
    last_year = int(np.datetime64(end_day, "D").astype("datetime64[Y]").astype(int)) + 1970
    years = np.arange(first_year - 1, last_year + 2)
    cum = np.concatenate([[0.0], np.cumsum(seasonal_intensity(start_day, end_day))])
    return Calendar(start_day, end_day, years, event_days(years), mothers_day_table(years), cum)


@dataclass(frozen=True)
class OrderDates:
    cust: np.ndarray  # position in the chunk, -1 for guests
    ts: np.ndarray  # seconds UTC
    campaign_extra: np.ndarray  # bool: planted by a campaign (kept completed)


def seasonal_days(
    rng: np.random.Generator, cal: Calendar, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Days in [lo, hi] drawn from the seasonal intensity (inverse CDF)."""
    c = cal.cum_intensity
    a, b = c[lo - cal.start_day], c[hi - cal.start_day + 1]
    u = a + rng.random(len(lo)) * (b - a)
    return np.clip(np.searchsorted(c, u, side="right") - 1 + cal.start_day, lo, hi)


def _hours(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    hour = rng.choice(24, size=n, p=weights / weights.sum())
    return hour * 3600 + rng.integers(0, 3600, n)


def _repeat(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the owner of each event, and its 0-based rank within the owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - starts[owner]


def _occasion_days(
    rng: np.random.Generator,
    cal: Calendar,
    kind: np.ndarray,
    cust: CustomerChunk,
    owner: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Days just before an occasion of a random year inside each owner's window.

    kind: 0 Christmas, 1 Black Friday, 2 Mother's Day, 3 Valentine's, 4 birthday,
    5 no occasion. Draws outside the window are retried, then fall back to a
    seasonal day, so no customer loses orders.
    """
    n = len(owner)
    day = np.full(n, -1, dtype=np.int64)
    ylo, yhi = cal.year_index(lo), cal.year_index(hi)
    pending = kind != 5
    country = cust.country[owner]
    for _ in range(8):
        idx = np.flatnonzero(pending)
        if len(idx) == 0:
            break
        y = rng.integers(ylo[idx], yhi[idx] + 1)
        k = kind[idx]
        m = len(idx)
        cand = np.select(
            [k == 0, k == 1, k == 2, k == 3],
            [
                cal.events["christmas"][y] - rng.integers(1, 22, m),
                cal.events["black_friday"][y] + rng.integers(-1, 4, m),
                cal.mothers_day[country[idx], y] - rng.integers(1, 11, m),
                cal.events["valentines"][y] - rng.integers(0, 13, m),
            ],
            default=birthday_days(
                cust.birth_month[owner[idx]], cust.birth_dom[owner[idx]], cal.years[y]
            )
            - rng.integers(-2, 15, m),
        )
        ok = (cand >= lo[idx]) & (cand <= hi[idx])
        day[idx[ok]] = cand[ok]
        pending[idx[ok]] = False
    free = day < 0
    day[free] = seasonal_days(rng, cal, lo[free], hi[free])
    return day


def customer_order_dates(
    rng: np.random.Generator, cal: Calendar, cust: CustomerChunk
) -> OrderDates:
    persona = cust.persona
    n = len(persona)
    signup_day = cust.signup_ts // SECONDS_PER_DAY
    lo = np.maximum(signup_day + 1, cal.start_day)
    hi = np.full(n, cal.end_day)
    active_years = (hi - lo + 1) / 365.25

    counts = np.zeros(n, dtype=np.int64)
    for name, rate in {**FREE_RATE, **OCCASION_RATE}.items():
        sel = persona == PERSONA_INDEX[name]
        counts[sel] = np.maximum(rng.poisson(rate * active_years[sel]), 1)
    ooo = persona == PERSONA_INDEX["one_and_done"]
    counts[ooo] = 1
    lapsed = persona == PERSONA_INDEX["lapsed_regular"]
    stop = cal.end_day - rng.integers(270, 540, n)
    counts[lapsed] = np.maximum((stop[lapsed] - lo[lapsed]) // 30 + 1, 1)

    owner, rank = _repeat(counts)
    p = persona[owner]
    olo, ohi = lo[owner], hi[owner]
    day = seasonal_days(rng, cal, olo, ohi)

    def is_(name: str) -> np.ndarray:
        return p == PERSONA_INDEX[name]

    # Loyal customers are recent: their first draw becomes a purchase in the last month.
    recent = is_("loyal_high_spender") & (rank == 0)
    day[recent] = cal.end_day - rng.integers(0, 30, int(recent.sum()))
    # One-and-done: a single first purchase soon after signing up, long ago.
    sel = is_("one_and_done")
    day[sel] = np.minimum(olo[sel] + rng.integers(0, 45, int(sel.sum())), cal.end_day - 540)
    # ... and mostly on a weekday (a one-off errand, not a browsing habit).
    wd = weekday_of(day[sel])
    day[sel] = day[sel] - np.where(rng.random(int(sel.sum())) < 0.85, np.maximum(wd - 4, 0), 0)
    # Lapsed regulars: roughly monthly until they stopped.
    sel = is_("lapsed_regular")
    day[sel] = np.clip(
        olo[sel] + 30 * rank[sel] + rng.integers(-3, 4, int(sel.sum())), olo[sel], stop[owner[sel]]
    )
    # Weekend browsers: move each draw to the Saturday or Sunday of its week.
    sel = is_("weekend_browser")
    wd = weekday_of(day[sel])
    shifted = day[sel] + (5 - np.minimum(wd, 5)) + rng.integers(0, 2, int(sel.sum())) * (wd < 6)
    shifted = np.where(shifted > ohi[sel], shifted - 7, shifted)
    day[sel] = np.where(shifted < olo[sel], day[sel], shifted)
    # B2B: weekdays only.
    sel = is_("b2b_bulk")
    wd = weekday_of(day[sel])
    moved = np.where(wd == 5, day[sel] - 1, np.where(wd == 6, day[sel] + 1, day[sel]))
    day[sel] = np.where((moved < olo[sel]) | (moved > ohi[sel]), day[sel], moved)

    kind = np.full(len(owner), 5)
    draw = rng.random(len(owner))
    sel = is_("holiday_shopper")
    kind[sel] = np.select([draw[sel] < 0.55, draw[sel] < 0.85], [0, 1], default=2)
    sel = is_("gifter")
    kind[sel] = np.select(
        [draw[sel] < 0.3, draw[sel] < 0.55, draw[sel] < 0.7], [3, 2, 0], default=5
    )
    sel = is_("birthday_treater")
    kind[sel] = np.where(draw[sel] < 0.9, 4, 5)
    occasion = kind != 5
    day[occasion] = _occasion_days(
        rng, cal, kind[occasion], cust, owner[occasion], olo[occasion], ohi[occasion]
    )

    seconds = np.where(
        is_("b2b_bulk"),
        _hours(rng, BUSINESS_HOURS, len(owner)),
        np.where(
            is_("weekend_browser"),
            _hours(rng, WEEKEND_HOURS, len(owner)),
            _hours(rng, CONSUMER_HOURS, len(owner)),
        ),
    )
    ts = day * SECONDS_PER_DAY + seconds
    # Signup and the first order can share a day: keep the order after signup.
    ts = np.clip(ts, cust.signup_ts[owner] + 600, cal.end_ts)
    return OrderDates(owner.astype(np.int64), ts, np.zeros(len(owner), dtype=bool))


def guest_order_dates(rng: np.random.Generator, cal: Calendar, n: int) -> OrderDates:
    lo = np.full(n, cal.start_day)
    hi = np.full(n, cal.end_day)
    ts = seasonal_days(rng, cal, lo, hi) * SECONDS_PER_DAY + _hours(rng, CONSUMER_HOURS, n)
    return OrderDates(np.full(n, -1, dtype=np.int64), ts, np.zeros(n, dtype=bool))


def concat(parts: list[OrderDates]) -> OrderDates:
    return OrderDates(
        np.concatenate([p.cust for p in parts]),
        np.concatenate([p.ts for p in parts]),
        np.concatenate([p.campaign_extra for p in parts]),
    )
