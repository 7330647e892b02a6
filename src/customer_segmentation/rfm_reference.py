"""customer_rfm recomputed independently in plain pandas from a raw-contract directory.

The one pandas reference of the project: the RFM cross-check test
(tests/python/test_rfm_pandas.py) and the benchmark's pandas baseline both call
it. Nothing here reuses project SQL: the raw contract is read as text,
timestamps are parsed (offsets converted to UTC), amounts converted with the
latest rate on or before the order's UTC date, non_product lines excluded, and
the documented scoring formula applied. It implements the rules for clean data
(no quarantine rules beyond the fx one: an order in a currency with no rate on
or before its date is dropped, as staging quarantines it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from customer_segmentation import PROJECT_ROOT

REPORTING_CURRENCY = "USD"
SEGMENT_MAP = PROJECT_ROOT / "seeds" / "rfm_segment_map.csv"
# Clean generated data has a handful of orders before the first fx rate; more
# than this share means the rates are missing, not late (a broken input).
MAX_UNCONVERTIBLE_SHARE = 0.01


class ReferenceInputError(ValueError):
    """The raw directory does not fit the reference's assumptions (named in the message)."""


def read_raw_table(raw_dir: Path, table: str) -> pd.DataFrame:
    """``<table>.parquet`` or ``<table>.csv`` as text, missing values as ''."""
    parquet = raw_dir / f"{table}.parquet"
    if parquet.exists():
        frame = pd.read_parquet(parquet)
        return frame.astype(object).where(frame.notna(), "").astype(str)
    csv = raw_dir / f"{table}.csv"
    if csv.exists():
        return pd.read_csv(csv, dtype=str, keep_default_na=False)
    raise ReferenceInputError(f"{raw_dir}: no {table}.parquet or {table}.csv")


def _utc(values: pd.Series) -> pd.Series:
    """Parse timestamps; naive ones are UTC, offset ones are converted to UTC."""
    parsed = pd.to_datetime(values.replace("", None), utc=True, format="mixed")
    return parsed.dt.tz_localize(None)


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", "0")).astype(float)


def _converted_orders(orders: pd.DataFrame, fx: pd.DataFrame) -> pd.DataFrame:
    """Orders with ``rate``: the latest rate on or before the order's UTC date."""
    fx = fx.copy()
    fx["rate_date"] = pd.to_datetime(fx["rate_date"])
    fx["rate"] = fx["rate_to_reporting"].astype(float)
    fx = fx.sort_values("rate_date")
    converted = pd.merge_asof(
        orders.sort_values("order_date"),
        fx[["currency", "rate_date", "rate"]],
        left_on="order_date",
        right_on="rate_date",
        by="currency",
        direction="backward",
    )
    converted.loc[converted["currency"] == REPORTING_CURRENCY, "rate"] = 1.0
    no_rate = converted["rate"].isna()
    if len(converted) and no_rate.mean() >= MAX_UNCONVERTIBLE_SHARE:
        raise ReferenceInputError(
            f"fx_rates: {int(no_rate.sum())} of {len(converted)} orders have no rate on or "
            "before their date"
        )
    return converted[~no_rate]


def pandas_rfm(raw_dir: Path) -> tuple[pd.DataFrame, pd.Timestamp]:
    """recency_days, frequency and monetary per known customer, and the as_of_date."""
    customers = read_raw_table(raw_dir, "customers")
    orders = read_raw_table(raw_dir, "orders")
    items = read_raw_table(raw_dir, "order_items")
    products = read_raw_table(raw_dir, "products")
    fx = read_raw_table(raw_dir, "fx_rates")

    orders["ordered_at"] = _utc(orders["ordered_at"])
    orders["order_date"] = orders["ordered_at"].dt.normalize()
    orders["status"] = orders["status"].str.strip().str.lower().replace("", "completed")
    orders["currency"] = orders["currency"].str.strip().str.upper().replace("", REPORTING_CURRENCY)
    orders["customer_id"] = orders["customer_id"].replace("", None)

    # Default as_of_date: the day after the latest order date (UTC).
    as_of = orders["order_date"].max() + pd.Timedelta(days=1)
    converted = _converted_orders(orders, fx)

    # Net amount per order: merchandise lines only.
    items = items.merge(products[["product_id", "category"]], on="product_id", how="left")
    items = items[items["category"] != "non_product"]
    items["net"] = _num(items["quantity"]) * _num(items["unit_price"]) - _num(
        items["discount_amount"]
    )
    net = items.groupby("order_id")["net"].sum()
    converted["net"] = converted["order_id"].map(net).fillna(0.0) * converted["rate"]

    before = converted[converted["customer_id"].notna() & (converted["ordered_at"] < as_of)]
    qualifying = before[(before["status"] == "completed") & (before["net"] > 0)]
    monetary = (
        before[before["status"].isin(["completed", "returned"])].groupby("customer_id")["net"].sum()
    )
    stats = qualifying.groupby("customer_id").agg(
        frequency=("order_id", "count"), last_order=("order_date", "max")
    )

    signup = _utc(customers["signup_at"])
    known = set(customers.loc[signup.isna() | (signup < as_of), "customer_id"]) | set(
        before["customer_id"]
    )
    out = pd.DataFrame(index=pd.Index(sorted(known), name="customer_id"))
    out["frequency"] = stats["frequency"].reindex(out.index).fillna(0).astype(int)
    out["recency_days"] = (as_of - stats["last_order"].reindex(out.index)).dt.days
    out["monetary"] = monetary.reindex(out.index).fillna(0.0)
    return out.reset_index(), as_of


def pandas_scores(rfm: pd.DataFrame, segment_map: Path = SEGMENT_MAP) -> pd.DataFrame:
    """score = 1 + floor(5 * (rank - 1) / n), rank = min rank from worst to best."""
    scored = rfm[rfm["frequency"] > 0].copy()
    n = len(scored)
    cents = np.round(scored["monetary"] * 100).astype("int64")
    ranks = {
        "r_score": (-scored["recency_days"]).rank(method="min"),
        "f_score": scored["frequency"].rank(method="min"),
        "m_score": cents.rank(method="min"),
    }
    for column, rank in ranks.items():
        scored[column] = (1 + np.floor(5 * (rank - 1) / n)).astype(int)
    segments = pd.read_csv(segment_map)
    scored = scored.merge(segments, on=["r_score", "f_score", "m_score"], how="left")
    out = rfm.merge(
        scored[["customer_id", "r_score", "f_score", "m_score", "rfm_segment"]],
        on="customer_id",
        how="left",
    )
    out["rfm_segment"] = out["rfm_segment"].fillna("prospect")
    return out


def customer_rfm(raw_dir: Path) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Values, scores and segment per customer (customer_rfm's columns), and the as_of_date."""
    values, as_of = pandas_rfm(raw_dir)
    return pandas_scores(values), as_of
