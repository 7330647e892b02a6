"""Staging end to end: injected faults land in quarantine, nothing is lost, amounts reconcile.

Uses the session warehouses from conftest.py (generated data, real load, real dbt build).
Expected values come from the generator's truth file or are recomputed independently
with pandas from the staging tables, never read back from the model under test.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from customer_segmentation.contract import TABLES_BY_NAME

if TYPE_CHECKING:
    from conftest import BuiltWarehouse

TABLES = tuple(TABLES_BY_NAME)


def quarantine_set(wh: BuiltWarehouse, table: str) -> set[tuple[int, str]]:
    rows = wh.query(
        f"select _source_row, quarantine_reason from quarantine.quarantine_raw__{table}"
    )
    return {(int(row), reason) for row, reason in rows}


@pytest.fixture(scope="module")
def truth(dirty_warehouse: BuiltWarehouse) -> pd.DataFrame:
    frame = pd.read_csv(dirty_warehouse.raw_dir / "truth" / "injected_faults.csv", dtype=str)
    assert list(frame.columns[:4]) == ["table", "row_key", "source_row", "expected_reason"]
    frame["source_row"] = frame["source_row"].astype(int)
    return frame


def test_truth_file_has_faults(truth: pd.DataFrame) -> None:
    assert len(truth) > 0
    assert set(truth["table"]) <= set(TABLES)
    counts = Counter(zip(truth["table"], truth["expected_reason"], strict=True))
    print("\ninjected faults per table/reason:")
    for (table, reason), n in sorted(counts.items()):
        print(f"  {table:<17} {reason:<22} {n:>5}")


@pytest.mark.parametrize("table", TABLES)
def test_every_injected_fault_is_quarantined_with_its_reason(
    dirty_warehouse: BuiltWarehouse, truth: pd.DataFrame, table: str
) -> None:
    expected = {
        (int(r.source_row), r.expected_reason)
        for r in truth[truth["table"] == table].itertuples(index=False)
    }
    actual = quarantine_set(dirty_warehouse, table)
    missing = expected - actual
    # report the wrong reason a missed row got, if any
    actual_by_row = dict(actual)
    detail = sorted((row, reason, actual_by_row.get(row)) for row, reason in missing)[:20]
    assert not missing, (
        f"{table}: {len(missing)} injected faults not quarantined as expected "
        f"(source_row, expected, actual): {detail}"
    )


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("which", ["warehouse", "dirty_warehouse"])
def test_raw_equals_clean_plus_quarantine(
    request: pytest.FixtureRequest, which: str, table: str
) -> None:
    wh: BuiltWarehouse = request.getfixturevalue(which)
    [(raw, clean, quarantined)] = wh.query(
        f"""
        select
            (select count(*) from raw.{table}),
            (select count(*) from staging.stg_raw__{table}),
            (select count(*) from quarantine.quarantine_raw__{table})
        """
    )
    assert raw == clean + quarantined, f"{which}.{table}: {raw} != {clean} + {quarantined}"
    # every raw row in exactly one place
    [(placed, distinct)] = wh.query(
        f"""
        with placed as (
            select _source_row from staging.stg_raw__{table}
            union all
            select _source_row from quarantine.quarantine_raw__{table}
        )
        select count(*), count(distinct _source_row) from placed
        """
    )
    assert placed == distinct == raw


# Quarantined rows that are consequences, not faults of their own, by the documented rules:
# - orders: a foreign-currency order placed before its currency's first exchange rate
#   (the generator's orders start a day or two before its fx_rates) -> missing_fx_rate;
# - order_items: every line of a quarantined order -> quarantined_order.
EARLY_FX_ORDERS = """
    select q._source_row
    from quarantine.quarantine_raw__orders as q
    inner join (
        select currency, min(rate_date) as first_rate_date
        from staging.stg_raw__fx_rates
        group by currency
    ) as fx
        on upper(trim(q.currency, chr(9) || ' ')) = fx.currency
    where q.quarantine_reason = 'missing_fx_rate'
        and cast(left(trim(q.ordered_at), 10) as date) <= fx.first_rate_date
"""
LINES_OF_QUARANTINED_ORDERS = """
    select q._source_row
    from quarantine.quarantine_raw__order_items as q
    where q.quarantine_reason = 'quarantined_order'
        and q.order_id in (select order_id from quarantine.quarantine_raw__orders)
        and q.order_id not in (select order_id from staging.stg_raw__orders)
"""


def unexplained_quarantine(
    wh: BuiltWarehouse, injected: dict[str, set[int]]
) -> dict[tuple[str, str], int]:
    """Quarantined rows neither injected nor a documented consequence, per table/reason."""
    explained = {
        "orders": {r for (r,) in wh.query(EARLY_FX_ORDERS)},
        "order_items": {r for (r,) in wh.query(LINES_OF_QUARANTINED_ORDERS)},
    }
    found: Counter[tuple[str, str]] = Counter()
    for table in TABLES:
        allowed = injected.get(table, set()) | explained.get(table, set())
        for row, reason in quarantine_set(wh, table):
            if row not in allowed:
                found[(table, reason)] += 1
    return dict(found)


def test_dirty_warehouse_quarantines_nothing_unexplained(
    dirty_warehouse: BuiltWarehouse, truth: pd.DataFrame
) -> None:
    injected = {table: set(group["source_row"]) for table, group in truth.groupby("table")}
    assert unexplained_quarantine(dirty_warehouse, injected) == {}


def test_clean_warehouse_quarantines_only_documented_consequences(
    warehouse: BuiltWarehouse,
) -> None:
    assert unexplained_quarantine(warehouse, {}) == {}
    found = {}
    for table in TABLES:
        for reason, n in warehouse.query(
            f"select quarantine_reason, count(*) from quarantine.quarantine_raw__{table} group by 1"
        ):
            found[(table, reason)] = n
    print(f"\nclean warehouse quarantine: {found}")
    assert set(found) <= {("orders", "missing_fx_rate"), ("order_items", "quarantined_order")}
    # the early-fx orders are the only quarantined orders, and their lines the only lines
    [(early_orders, lines_of_early)] = warehouse.query(
        f"""
        select
            (select count(*) from ({EARLY_FX_ORDERS})),
            (select count(*) from raw.order_items where order_id in (
                select order_id from quarantine.quarantine_raw__orders))
        """
    )
    assert found.get(("orders", "missing_fx_rate"), 0) == early_orders
    assert found.get(("order_items", "quarantined_order"), 0) == lines_of_early


def test_fct_orders_net_amount_reconciles_to_clean_lines(warehouse: BuiltWarehouse) -> None:
    _reconcile(warehouse)


def test_fct_orders_net_amount_reconciles_on_dirty_data(dirty_warehouse: BuiltWarehouse) -> None:
    _reconcile(dirty_warehouse)


def _reconcile(wh: BuiltWarehouse) -> None:
    items = wh.frame(
        "select order_id, product_id, cast(quantity as double) as quantity, "
        "cast(unit_price as double) as unit_price, "
        "cast(coalesce(discount_amount, 0) as double) as discount "
        "from staging.stg_raw__order_items"
    )
    orders = wh.frame("select order_id, currency, ordered_at from staging.stg_raw__orders")
    fx = wh.frame(
        "select currency, rate_date, cast(rate_to_reporting as double) as rate "
        "from staging.stg_raw__fx_rates"
    )
    products = wh.frame("select product_id, category from staging.stg_raw__products")
    [(as_of,)] = wh.query("select max(as_of_date) from marts.customer_rfm")
    reporting = wh.vars.get("reporting_currency", "USD")

    orders = orders[orders["ordered_at"] < pd.Timestamp(as_of)].copy()
    orders["order_date"] = pd.to_datetime(orders["ordered_at"]).dt.normalize()
    fx["rate_date"] = pd.to_datetime(fx["rate_date"])
    # latest rate on or before the order date, per currency
    foreign = orders[orders["currency"] != reporting].sort_values("order_date")
    rated = pd.merge_asof(
        foreign,
        fx.sort_values("rate_date"),
        left_on="order_date",
        right_on="rate_date",
        by="currency",
        direction="backward",
    )
    rates = dict(zip(rated["order_id"], rated["rate"], strict=True))
    orders["rate"] = [
        1.0 if cur == reporting else rates.get(oid)
        for oid, cur in zip(orders["order_id"], orders["currency"], strict=True)
    ]
    assert orders["rate"].notna().all(), "clean order without an exchange rate"

    non_product = set(products.loc[products["category"] == "non_product", "product_id"])
    lines = items[~items["product_id"].isin(non_product)].copy()
    lines["net"] = lines["quantity"] * lines["unit_price"] - lines["discount"]
    per_order = lines.groupby("order_id")["net"].sum()
    orders["expected"] = orders["order_id"].map(per_order).fillna(0.0) * orders["rate"]

    fct = wh.frame(
        "select order_id, cast(net_amount as double) as net_amount from marts.fct_orders"
    )
    assert fct["order_id"].is_unique
    merged = orders.merge(fct, on="order_id", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    diff = (merged["expected"] - merged["net_amount"]).abs()
    bad = merged[diff > 0.01]
    assert bad.empty, bad[["order_id", "currency", "expected", "net_amount"]].head(10)
    assert len(merged) > 1000


@pytest.mark.parametrize("which", ["warehouse", "dirty_warehouse"])
def test_every_staged_customer_is_in_dim_customers(
    request: pytest.FixtureRequest, which: str
) -> None:
    wh: BuiltWarehouse = request.getfixturevalue(which)
    [(staged, missing)] = wh.query(
        """
        with as_of as (select max(as_of_date) as d from marts.dim_customers)
        select
            count(*),
            count(*) filter (where dim.customer_id is null)
        from staging.stg_raw__customers as stg
        cross join as_of
        left join marts.dim_customers as dim
            on stg.customer_id = dim.customer_id
        where stg.signup_at is null or stg.signup_at < cast(as_of.d as timestamp)
        """
    )
    assert staged > 1000
    assert missing == 0
