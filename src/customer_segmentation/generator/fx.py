"""Daily fx rates: a mean-reverting random walk around realistic levels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import formatting as fmt
from .config import CURRENCIES, FX_LEVELS


@dataclass(frozen=True)
class FxRates:
    first_day: int
    # usd_per_unit[c, d]: USD per one unit of CURRENCIES[c] on first_day + d (USD row = 1).
    usd_per_unit: np.ndarray
    table: pa.Table


def build_fx(rng: np.random.Generator, first_day: int, last_day: int) -> FxRates:
    n_days = last_day - first_day + 1
    rates = np.ones((len(CURRENCIES), n_days))
    currency_col: list[str] = []
    for c, code in enumerate(CURRENCIES):
        if code not in FX_LEVELS:
            continue
        shocks = rng.normal(0.0, 0.005, n_days)
        log_dev = np.zeros(n_days)
        for d in range(1, n_days):
            # Pull back towards the level so three years never drift absurdly.
            log_dev[d] = 0.995 * log_dev[d - 1] + shocks[d]
        # Published rates have limited precision; round before use so that order
        # prices derive from exactly the rate written to fx_rates.
        rates[c] = np.round(FX_LEVELS[code] * np.exp(log_dev), 8)
        currency_col.extend([code] * n_days)
    foreign = [c for c, code in enumerate(CURRENCIES) if code in FX_LEVELS]
    days = np.tile(np.arange(first_day, last_day + 1), len(foreign))
    table = pa.table(
        {
            "currency": pa.array(currency_col),
            "rate_date": fmt.dates(days),
            "rate_to_reporting": fmt.rate(rates[foreign].ravel(), 8),
        }
    )
    return FxRates(first_day, rates, table)
