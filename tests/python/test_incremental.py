"""Incremental builds give the same marts as a full build (doc block incremental_order_facts).

The session's clean generated data is split: the first load holds everything
but the last day of orders (with their items and that day's fx rates), one fx
rate a month before the end, the lines of a few older orders and the rows of a
few customers with older orders. After a build,
those rows are appended (load_raw.py --append) and dbt builds again, this time
incrementally. Every mart, and the order facts themselves, must then equal the
session warehouse, which was built in one go from the complete data: the new day
is added, the late rate re-converts the orders it applies to (outside the
lookback window), the late lines complete their orders, and the late customers
move all their orders to their own country (occasion tables).
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import BuiltWarehouse, build_warehouse
from warehouse_diff import build_time_columns, differences, mart_tables

from customer_segmentation import pipeline
from customer_segmentation.bench import baselines, checks
from customer_segmentation.bench.data import (
    last_day_conditions,
    last_order_day,
    read_table_sql,
    split_rows,
)

# Incremental intermediate models (doc blocks incremental_order_facts, incremental_order_occasions).
ORDER_FACTS = ("int_orders__converted", "int_order_lines", "int_orders", "int_order_local_times",
               "int_order_occasion_windows", "int_order_occasions")
# Incremental per-customer tables (doc block incremental_customer_features) and the
# models whose refreshed rows make them recompute a customer.
CUSTOMER_FEATURES = {
    "int_customer_behaviour": ("int_orders",),
    "int_customer_spend_mix": ("int_orders",),
    "int_customer_occasion_shares": ("int_orders", "int_order_occasions"),
}
# Incremental per-campaign table (doc block incremental_campaign_send_segments).
CAMPAIGN_SEGMENTS = "int_campaign_send_segments"
# Bookkeeping of the incremental models: when rows were loaded and computed.
BOOKKEEPING = {"_loaded_at", "_refreshed_at", "_customer_loaded_at"}
LATE_RATE_DAYS_BEFORE_END = 30
LATE_LINE_ORDERS = 5
LATE_FIRST_ORDERS = 2
LATE_CUSTOMERS = 3


@dataclass
class IncrementalRun:
    warehouse: BuiltWarehouse
    late_rate: tuple[str, str]  # currency, rate_date
    late_line_orders: list[str]
    appended: dict[str, int]
    first_purchases_before: dict[str, date]  # after the first build
    campaign_sends_before: set[tuple[str, str, date]]  # after the first build


# What a campaign's rows are computed for: (campaign_id, customer_id, campaign_start_date).
CAMPAIGN_SENDS = ("select campaign_id, customer_id, campaign_start_date "
                  "from intermediate.int_campaign_sends")


# Each customer's first qualifying purchase (local date), from the order facts
# and local times, not from int_order_occasions (whose rule it checks).
FIRST_PURCHASES = (
    "select local_times.customer_id, min(local_times.order_date_local) "
    "from intermediate.int_order_local_times as local_times "
    "inner join intermediate.int_orders as orders on local_times.order_id = orders.order_id "
    "where orders.is_qualifying group by local_times.customer_id")


def held_out_rows(full: Path) -> tuple[dict[str, str], tuple[str, str], list[str]]:
    """Conditions for the append: the last day, one late fx rate, a few orders' late lines."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    day = last_order_day(con, full)
    conditions = last_day_conditions(full, day)
    late_date = (day - timedelta(days=LATE_RATE_DAYS_BEFORE_END)).isoformat()
    [(currency,)] = con.execute(
        f"select min(currency) from {read_table_sql(full, 'fx_rates')} where rate_date = ?",
        [late_date],
    ).fetchall()
    assert currency is not None, f"no fx rate on {late_date}"
    # Orders in that currency on that day are re-converted only because of the late rate.
    orders = read_table_sql(full, "orders")
    [(uses_rate,)] = con.execute(
        f"select count(*) from {orders} where upper(currency) = ? "
        "and cast(try_cast(ordered_at as timestamptz) as date) = cast(? as date)",
        [currency, late_date],
    ).fetchall()
    assert uses_rate > 0, "the late fx rate must apply to at least one order"
    late_orders = [
        row[0]
        for row in con.execute(
            f"select order_id from {orders} where cast(try_cast(ordered_at as timestamptz) "
            f"as date) < date '{day.isoformat()}' - interval 60 day "
            f"order by order_id limit {LATE_LINE_ORDERS}"
        ).fetchall()
    ]
    # The first order of customers with a later order near its first anniversary:
    # without its lines it does not qualify, so until the append the customer's
    # first purchase is a later one; the append moves it back, and the anniversary
    # flag of the customer's later, unchanged order with it.
    late_orders += [
        row[1]
        for row in con.execute(
            f"with dated as (select order_id, customer_id, "
            f"cast(try_cast(ordered_at as timestamptz) as date) as day from {orders} "
            f"where nullif(customer_id, '') is not null), "
            f"ranked as (select *, min(day) over (partition by customer_id) as first_day, "
            f"count(*) over (partition by customer_id, day) as orders_that_day from dated) "
            f"select distinct first.customer_id, first.order_id from ranked as first "
            f"join dated as later on later.customer_id = first.customer_id "
            f"and later.day between first.day + 363 and first.day + 367 "
            f"where first.day = first.first_day and first.orders_that_day = 1 "
            f"and first.day < date '{day.isoformat()}' - interval 60 day "
            f"order by first.customer_id desc limit {LATE_FIRST_ORDERS}"
        ).fetchall()
    ]
    assert len(late_orders) == LATE_LINE_ORDERS + LATE_FIRST_ORDERS, late_orders
    listed = ", ".join(f"'{order_id}'" for order_id in late_orders)
    conditions["fx_rates"] = (
        f"({conditions['fx_rates']}) or (currency = '{currency}' and rate_date = '{late_date}')"
    )
    conditions["order_items"] = f"({conditions['order_items']}) or order_id in ({listed})"
    # Customers whose rows arrive late: until then their orders have no customer
    # country (occasion country from the shipping address), after it all their
    # orders, also those before the late rate, move to the customer's country.
    conditions["customers"] = (
        f"customer_id in (select customer_id from {orders} where cast(try_cast(ordered_at "
        f"as timestamptz) as date) < date '{day.isoformat()}' - interval 60 day "
        f"group by customer_id order by customer_id limit {LATE_CUSTOMERS})"
    )
    return conditions, (currency, late_date), late_orders


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory, generated_raw_dir: Path,
                warehouse: BuiltWarehouse) -> IncrementalRun:
    """First load + build without the held-out rows, then append + incremental build."""
    workdir = tmp_path_factory.mktemp("incremental")
    conditions, late_rate, late_orders = held_out_rows(generated_raw_dir)
    rows = split_rows(generated_raw_dir, workdir / "base", workdir / "append", conditions)
    built = build_warehouse(workdir / "wh", workdir / "base")
    first_purchases_before = dict(built.query(FIRST_PURCHASES))
    campaign_sends_before = set(built.query(CAMPAIGN_SENDS))
    pipeline.run(pipeline.python_script("load_raw.py", str(workdir / "append"), "--append"),
                 env=built.env)
    built.build_log = pipeline.build(built.env, "duckdb", target_path=built.target_path)
    appended = {k.split(".", 1)[1]: v for k, v in rows.items() if k.startswith("append.")}
    return IncrementalRun(built, late_rate, late_orders, appended, first_purchases_before,
                          campaign_sends_before)


def test_append_added_the_held_out_rows(incremental: IncrementalRun):
    assert incremental.appended["orders"] > 0
    assert incremental.appended["order_items"] > incremental.appended["orders"]
    assert incremental.appended["fx_rates"] > 1  # the last day's and the late rate
    loads = incremental.warehouse.query(
        "select count(distinct load_id), count(distinct loaded_at) from raw._loads"
    )
    assert loads == [(2, 2)]


def test_build_was_incremental(incremental: IncrementalRun):
    """The second build recomputed a small part of the order facts, not all of them."""
    for model in ORDER_FACTS:
        if model == "int_order_occasions":
            continue  # by customer, not by order: the next test
        [(batches, latest, total)] = incremental.warehouse.query(
            f"select count(distinct _refreshed_at), count(*) filter "
            f"(where _refreshed_at = (select max(_refreshed_at) from intermediate.{model})), "
            f"count(*) from intermediate.{model}"
        )
        assert batches == 2, model
        assert 0 < latest < total / 5, (model, latest, total)


def test_order_occasions_recomputed_refreshed_orders_and_moved_first_purchases(
    incremental: IncrementalRun,
):
    """int_order_occasions recomputes the orders int_order_local_times or int_orders
    refreshed and every order of a customer whose first qualifying purchase moved,
    nothing else."""
    warehouse = incremental.warehouse
    latest = "(select max(_refreshed_at) from intermediate.{})"
    refreshed = {row[0] for model in ("int_order_local_times", "int_orders")
                 for row in warehouse.query(
                     f"select order_id from intermediate.{model} "
                     f"where _refreshed_at = {latest.format(model)}")}
    after = dict(warehouse.query(FIRST_PURCHASES))
    before = incremental.first_purchases_before
    moved = {c for c in set(before) | set(after) if before.get(c) != after.get(c)}
    of_moved = {order_id for order_id, customer_id in warehouse.query(
        "select order_id, customer_id from intermediate.int_order_local_times")
        if customer_id in moved}
    recomputed = {row[0] for row in warehouse.query(
        f"select order_id from intermediate.int_order_occasions "
        f"where _refreshed_at = {latest.format('int_order_occasions')}")}
    [(total,)] = warehouse.query("select count(*) from intermediate.int_order_occasions")
    assert recomputed == refreshed | of_moved
    assert moved, "the scenario should move some first purchases (new customers, late lines)"
    assert 0 < len(recomputed) < total / 5


def test_late_rate_and_late_lines_were_recomputed(incremental: IncrementalRun):
    currency, rate_date = incremental.late_rate
    [(stale,)] = incremental.warehouse.query(
        "select count(*) from intermediate.int_orders__converted where currency = ? "
        "and ordered_date_utc = cast(? as date) and _refreshed_at < "
        "(select max(_refreshed_at) from intermediate.int_orders__converted)",
        [currency, rate_date],
    )
    assert stale == 0
    refreshed = {r[0] for r in incremental.warehouse.query(
        "select order_id from intermediate.int_orders where _refreshed_at = "
        "(select max(_refreshed_at) from intermediate.int_orders)")}
    assert set(incremental.late_line_orders) <= refreshed


def test_marts_equal_a_full_build(incremental: IncrementalRun, warehouse: BuiltWarehouse):
    skip = build_time_columns(warehouse.target_path)
    tables = mart_tables(warehouse.database)
    assert "customer_rfm" in tables and "fct_orders" in tables
    assert mart_tables(incremental.warehouse.database) == tables
    found = []
    for table in tables:
        found += differences(incremental.warehouse.database, warehouse.database, "marts", table,
                             skip.get(table, set()))
    assert not found, "\n".join(found)


def test_order_facts_equal_a_full_build(incremental: IncrementalRun, warehouse: BuiltWarehouse):
    found = []
    for model in ORDER_FACTS:
        found += differences(incremental.warehouse.database, warehouse.database, "intermediate",
                             model, BOOKKEEPING)
    assert not found, "\n".join(found)


def test_customer_features_equal_a_full_build(incremental: IncrementalRun,
                                              warehouse: BuiltWarehouse):
    skip = build_time_columns(warehouse.target_path)
    found = []
    for model in CUSTOMER_FEATURES:
        assert {"_as_of_date", "_refreshed_at"} <= skip.get(model, set()), model
        found += differences(incremental.warehouse.database, warehouse.database, "intermediate",
                             model, skip[model])
    assert not found, "\n".join(found)


def test_customer_features_recomputed_only_the_changed_customers(incremental: IncrementalRun):
    """Each per-customer table recomputed the customers with an order (or, for the
    occasion shares, an occasion row) refreshed by the second build, plus customers
    who became known at the new as_of_date (signed up on the held-out day), and
    kept every other stored row."""
    warehouse = incremental.warehouse
    [(second_build, as_of)] = warehouse.query(
        "select (select max(_refreshed_at) from intermediate.int_orders), as_of_date "
        "from intermediate.int_as_of_date")
    newly_known = {r[0] for r in warehouse.query(
        "select customer_id from staging.stg_raw__customers "
        "where signup_at >= cast(? as timestamp) - interval 1 day", [as_of])}
    for model, inputs in CUSTOMER_FEATURES.items():
        changed: set[str] = set()
        for upstream in inputs:
            changed |= {r[0] for r in warehouse.query(
                f"select customer_id from intermediate.{upstream} "
                f"where customer_id is not null and _refreshed_at = ?", [second_build])}
        [(total,)] = warehouse.query(f"select count(*) from intermediate.{model}")
        recomputed = {r[0] for r in warehouse.query(
            f"select customer_id from intermediate.{model} where _refreshed_at = ?",
            [second_build])}
        assert changed <= recomputed, (model, sorted(changed - recomputed)[:5])
        assert recomputed - changed <= newly_known, (model, sorted(recomputed - changed)[:5])
        # a part of the customers: at this size ~20% have an order in the lookback days
        assert 0 < len(recomputed) < total / 2, (model, len(recomputed), total)


def test_campaign_send_segments_equal_a_full_build(incremental: IncrementalRun,
                                                   warehouse: BuiltWarehouse):
    skip = build_time_columns(warehouse.target_path)[CAMPAIGN_SEGMENTS]
    assert "_refreshed_at" in skip and "_orders_before" not in skip
    found = differences(incremental.warehouse.database, warehouse.database, "intermediate",
                        CAMPAIGN_SEGMENTS, skip)
    assert not found, "\n".join(found)


def campaign_starts(warehouse: BuiltWarehouse) -> dict[str, datetime]:
    """Each campaign's start in int_campaign_sends, as the timestamp orders are cut at."""
    rows = warehouse.query(
        "select distinct campaign_id, campaign_start_date from intermediate.int_campaign_sends")
    return {campaign_id: datetime.combine(start, time.min) for campaign_id, start in rows}


def campaigns_recomputed_since(warehouse: BuiltWarehouse, since: datetime) -> set[str]:
    return {r[0] for r in warehouse.query(
        f"select distinct campaign_id from intermediate.{CAMPAIGN_SEGMENTS} "
        "where _refreshed_at > ?", [since])}


def test_campaign_send_segments_recomputed_the_campaigns_with_changed_inputs(
    incremental: IncrementalRun,
):
    """The second build recomputed the campaigns whose sends changed and those that
    start after an order (with a customer) the build refreshed in int_orders, and
    no other. Here the late lines of the first orders, dated before every campaign,
    refresh them all: the next test shows a build that recomputes only some."""
    warehouse = incremental.warehouse
    [(first_build, second_build)] = warehouse.query(
        "select min(_refreshed_at), max(_refreshed_at) from intermediate.int_orders")
    [(earliest_refreshed,)] = warehouse.query(
        "select min(ordered_at) from intermediate.int_orders "
        "where customer_id is not null and _refreshed_at = ?", [second_build])
    sends_after = set(warehouse.query(CAMPAIGN_SENDS))
    changed_sends = {row[0] for row in sends_after ^ incremental.campaign_sends_before}
    after_refreshed = {campaign_id for campaign_id, start in campaign_starts(warehouse).items()
                       if earliest_refreshed < start}
    expected = changed_sends | after_refreshed
    assert set(incremental.late_line_orders) <= {r[0] for r in warehouse.query(
        "select order_id from intermediate.int_orders where _refreshed_at = ?", [second_build])}
    assert expected, "the append should touch a campaign (late lines of early orders)"
    assert campaigns_recomputed_since(warehouse, first_build) == expected


def test_campaign_send_segments_recompute_only_the_changed_campaigns(
    incremental: IncrementalRun, tmp_path: Path,
):
    """On a copy: a build with no change recomputes no campaign. Then, in place of
    upstream changes, an order dated between the two newest campaign starts is
    deleted from int_orders (no refreshed row shows it: the order-count rule), a
    customer of the oldest campaign is no longer sent, the second campaign is sent
    to one more customer and the third is not sent at all any more. The next build
    recomputes exactly the campaigns starting after that order and the two whose
    sends changed, drops the third (pre-hook), and the table then equals a full
    refresh of the same inputs."""
    copy = incremental.warehouse.copy_to(tmp_path)

    def latest() -> datetime:
        return copy.query(f"select max(_refreshed_at) from intermediate.{CAMPAIGN_SEGMENTS}")[0][0]

    unchanged = latest()
    copy.dbt("run", "-s", CAMPAIGN_SEGMENTS)
    assert campaigns_recomputed_since(copy, unchanged) == set()

    starts = campaign_starts(copy)
    by_start = sorted(starts, key=lambda campaign_id: (starts[campaign_id], campaign_id))
    assert len(by_start) >= 4, by_start
    oldest, second, gone, newest = by_start[0], by_start[1], by_start[2], by_start[-1]
    with duckdb.connect(str(copy.database)) as con:
        [(order_id, ordered_at)] = con.execute(
            "select order_id, ordered_at from intermediate.int_orders "
            "where customer_id is not null and ordered_at >= ? and ordered_at < ? "
            "order by order_id limit 1", [starts[by_start[-2]], starts[newest]]).fetchall()
        con.execute("delete from intermediate.int_orders where order_id = ?", [order_id])
        con.execute(
            "delete from intermediate.int_campaign_sends where campaign_id = ? and customer_id = "
            "(select min(customer_id) from intermediate.int_campaign_sends where campaign_id = ?)",
            [oldest, oldest])
        con.execute(
            "insert into intermediate.int_campaign_sends "
            "select * replace ((select min(customer_id) from intermediate.int_orders "
            "where customer_id not in (select customer_id from intermediate.int_campaign_sends "
            "where campaign_id = $1)) as customer_id, send_id || '_added' as send_id) "
            "from intermediate.int_campaign_sends where campaign_id = $1 "
            "order by send_id limit 1",
            [second])
        con.execute("delete from intermediate.int_campaign_sends where campaign_id = ?", [gone])
    expected = {oldest, second} | {campaign_id for campaign_id, start in starts.items()
                                   if ordered_at < start}
    assert newest in expected and gone not in expected, (expected, starts)

    before = latest()
    copy.dbt("run", "-s", CAMPAIGN_SEGMENTS)
    assert campaigns_recomputed_since(copy, before) == expected
    assert copy.query(f"select count(*) from intermediate.{CAMPAIGN_SEGMENTS} "
                      "where campaign_id = ?", [gone]) == [(0,)]

    full = copy.copy_to(tmp_path / "full")
    full.dbt("run", "-s", CAMPAIGN_SEGMENTS, "--full-refresh")
    assert full.query(f"select count(distinct _refreshed_at) from intermediate.{CAMPAIGN_SEGMENTS}"
                      ) == [(1,)]
    found = differences(copy.database, full.database, "intermediate", CAMPAIGN_SEGMENTS,
                        {"_refreshed_at"})
    assert not found, "\n".join(found)


def copy_dbt_project(target: Path) -> None:
    """dbt_project.yml and the folders its `*-paths` name: a project to change a seed in."""
    config = yaml.safe_load((pipeline.PROJECT_ROOT / "dbt_project.yml").read_text())
    folders = [folder for key, paths in config.items() if key.endswith("-paths")
               for folder in paths]
    assert "seeds" in folders and "models" in folders, folders
    target.mkdir()
    shutil.copy(pipeline.PROJECT_ROOT / "dbt_project.yml", target)
    for folder in folders:
        if (pipeline.PROJECT_ROOT / folder).is_dir():
            shutil.copytree(pipeline.PROJECT_ROOT / folder, target / folder)


def copy_with_seed_line_edited(incremental: IncrementalRun, tmp_path: Path, seed: str,
                               line: str, edited: str) -> tuple[BuiltWarehouse, tuple[str, str]]:
    """A copy of the project with one line of ``seed`` changed, a copy of the
    incremental warehouse with that seed loaded, and the dbt arguments that point
    at the project copy."""
    project = tmp_path / "project"
    copy_dbt_project(project)
    seed_file = project / "seeds" / f"{seed}.csv"
    lines = seed_file.read_text().splitlines()
    assert lines.count(line) == 1, f"{seed}: expected one line {line!r}"
    seed_file.write_text("\n".join(edited if row == line else row for row in lines) + "\n")
    copy = incremental.warehouse.copy_to(tmp_path / "warehouse")
    in_copy = ("--project-dir", str(project))
    copy.dbt("seed", "-s", seed, *in_copy)
    return copy, in_copy


def test_campaign_send_segments_recompute_every_campaign_after_a_segment_map_change(
    incremental: IncrementalRun, tmp_path: Path,
):
    """rfm_segment_map is part of the model's build settings
    (macros/incremental/per_campaign.sql): on a copy of the project whose map
    renames one cell's segment, an incremental run recomputes every campaign, and
    the table equals a full refresh of the same inputs. Without the seed in the
    settings no campaign is recomputed and the stored segments stay stale."""
    before = incremental.warehouse.query(
        f"select max(_refreshed_at) from intermediate.{CAMPAIGN_SEGMENTS}")[0][0]
    copy, in_copy = copy_with_seed_line_edited(incremental, tmp_path, "rfm_segment_map",
                                               "1,1,1,lost", "1,1,1,lost_renamed")
    copy.dbt("run", "-s", CAMPAIGN_SEGMENTS, *in_copy)
    assert campaigns_recomputed_since(copy, before) == set(campaign_starts(copy))

    full = copy.copy_to(tmp_path / "full")
    full.dbt("run", "-s", CAMPAIGN_SEGMENTS, "--full-refresh", *in_copy)
    found = differences(copy.database, full.database, "intermediate", CAMPAIGN_SEGMENTS,
                        {"_refreshed_at"})
    assert not found, "\n".join(found)
    [(renamed,)] = copy.query(f"select count(*) from intermediate.{CAMPAIGN_SEGMENTS} "
                              "where rfm_segment_at_send = 'lost_renamed'")
    assert renamed > 0, "some send should fall in the renamed cell (1, 1, 1)"


# A seed edit per family of order facts (macros/incremental/incremental.sql:
# order_fact_seeds, order_occasion_seeds): (seed, line, edited line, the
# incremental models whose build settings hold the seed, and the tables between
# the seed and them, rebuilt first).
OCCASION_TABLES = ("int_order_local_times", "int_order_occasion_windows", "int_order_occasions")
SEED_EDITS = [
    ("countries",
     "US,USA,United States,North America,Northern America,northern,America/New_York,USD,true",
     "US,USA,United States,North America,Northern America,northern,America/Chicago,USD,true",
     OCCASION_TABLES, ()),
    ("occasion_calendar",
     "US,2024-12-25,christmas_day,Christmas Day,gifting,28,true",
     "US,2024-12-25,christmas_day,Christmas Day,gifting,3,true",
     OCCASION_TABLES, ("int_occasion_window_days",)),
    ("country_aliases", "us,US", "us,CA",
     ("int_orders__converted", "int_order_lines", "int_orders", *OCCASION_TABLES), ()),
]


@pytest.mark.parametrize(("seed", "line", "edited", "models", "between"), SEED_EDITS,
                         ids=[edit[0] for edit in SEED_EDITS])
def test_order_facts_recompute_every_row_after_a_seed_change(
    incremental: IncrementalRun, tmp_path: Path, seed: str, line: str, edited: str,
    models: tuple[str, ...], between: tuple[str, ...],
):
    """A seed in an order-fact family's build settings: on a copy of the project with
    one line of the seed changed, an incremental run recomputes every stored row of
    the family's models, and each table equals a full refresh of the same inputs
    (and differs from before the edit, so the edit reaches them). Without the seed
    in the family's list the stored rows are kept and go stale."""
    copy, in_copy = copy_with_seed_line_edited(incremental, tmp_path, seed, line, edited)
    if between:
        copy.dbt("run", "-s", *between, *in_copy)
    full = copy.copy_to(tmp_path / "full")
    copy.dbt("run", "-s", *models, *in_copy)
    full.dbt("run", "-s", *models, "--full-refresh", *in_copy)
    for model in models:
        [(kept,)] = copy.query(
            f"select count(*) from intermediate.{model} "
            f"where _refreshed_at < (select max(_refreshed_at) from intermediate.{model})")
        assert kept == 0, f"{model}: {kept} rows kept from before the {seed} edit"
        found = differences(copy.database, full.database, "intermediate", model,
                            {"_refreshed_at"})
        assert not found, "\n".join(found)
    changed = [model for model in models
               if differences(incremental.warehouse.database, full.database, "intermediate",
                              model, {"_refreshed_at", "_build_settings"})]
    assert changed, f"the {seed} edit should change some rows of {models}"


@pytest.mark.parametrize(("table", "test_name", "key", "shown"), [
    ("intermediate.int_orders", "unique_int_orders_order_id", "order_id", "true"),
    ("staging.base_raw__order_items",
     "unique_combination_of_columns_base_raw__order_items__load_id___source_row",
     "_load_id || '/' || _source_row", "true"),
    # the keys of the staging views over the base models: a copied clean base row
    ("staging.base_raw__order_items", "unique_stg_raw__order_items_order_item_id",
     "order_item_id", "quarantine_reason is null"),
    ("staging.base_raw__orders", "unique_stg_raw__orders_order_id", "order_id",
     "quarantine_reason is null"),
    # the key of a view that only filters an incremental model: an order it shows
    ("intermediate.int_orders", "unique_int_orders__as_of_order_id", "order_id",
     "customer_id is not null and ordered_at < "
     "(select cast(max(ordered_at) as date) from intermediate.int_orders)"),
])
def test_key_tests_check_the_rows_of_the_latest_build(incremental: IncrementalRun,
                                                       tmp_path: Path, table: str,
                                                       test_name: str, key: str, shown: str):
    """The unique test on an incremental model's delete+insert key, on the key of a
    staging view over an incremental base model, or on the key of a view that only
    filters an incremental model, reads the rows of the latest
    build (macros/tests/where_subquery.sql). On a copy of the warehouse: an older
    duplicate, which the incremental build cannot write, passes it; a duplicate
    among the latest build's rows fails it; with test_all_rows it finds both (run
    last: other vars make dbt parse the whole project again).
    ``shown``: the rows of ``table`` the tested relation shows."""
    warehouse = incremental.warehouse.copy_to(tmp_path)
    copy = warehouse.database
    latest = f"(select max(_refreshed_at) from {table})"

    def unique_test(*args: str) -> str:
        return warehouse.data_test_result(test_name, *args)

    def duplicate(condition: str) -> None:
        with duckdb.connect(str(copy)) as con:
            con.execute(f"insert into {table} select * from {table} "
                        f"where {key} = (select min({key}) from {table} "
                        f"where {condition} and {shown})")

    assert unique_test() == "PASS"
    duplicate(f"_refreshed_at < {latest}")
    assert unique_test() == "PASS"
    duplicate(f"_refreshed_at = {latest}")
    assert unique_test() == "FAIL 1"
    assert unique_test("--vars", json.dumps({"test_all_rows": True})) == "FAIL 2"


# Order facts fed by a staging view of an incremental base model, and that view
# (the prune pre-hook with `base`: macros/incremental/incremental.sql).
BASE_FED_FACTS = (("int_orders__converted", "order_id", "stg_raw__orders"),
                  ("int_order_lines", "order_item_id", "stg_raw__order_items"))


def test_replacing_load_prunes_the_order_facts(incremental: IncrementalRun,
                                               generated_raw_dir: Path, tmp_path: Path):
    """A replacing load (load_raw.py without --append) that lacks a few orders and
    their lines: the next incremental build leaves the order facts, the per-order
    occasion tables and fct_orders holding exactly the clean keys. The dropped keys are
    in no base row any more, so only the prune's lookup of stored rows from loads
    gone from base can find them (and, downstream, the count that sees them gone)."""
    warehouse = incremental.warehouse.copy_to(tmp_path)
    dropped = [row[0] for row in warehouse.query(
        "select order_id from intermediate.int_orders order by order_id limit 3")]
    listed = ", ".join(f"'{order_id}'" for order_id in dropped)
    split_rows(generated_raw_dir, tmp_path / "reload", tmp_path / "dropped",
               {"orders": f"trim(order_id) in ({listed})",
                "order_items": f"trim(order_id) in ({listed})"})
    pipeline.run(pipeline.python_script("load_raw.py", str(tmp_path / "reload")),
                 env=warehouse.env)
    warehouse.dbt("run", "-s", "+fct_orders")
    # int_orders, the local times, the occasions and fct_orders prune by counting
    # first (macro stored_keys_may_be_gone): the count must see the dropped keys
    one_row_per_upstream_key = [(model, "order_id", "stg_raw__orders") for model in
                                ("int_orders", "int_order_local_times", "int_order_occasions")]
    for model, key, clean in (*BASE_FED_FACTS, *one_row_per_upstream_key):
        stored = warehouse.query(f"select {key} from intermediate.{model}")
        assert len(stored) == len(set(stored)), model
        assert set(stored) == set(warehouse.query(f"select {key} from staging.{clean}")), model
    assert warehouse.query(
        f"select count(*) from intermediate.int_orders where order_id in ({listed})") == [(0,)]
    mart = warehouse.query("select order_id from marts.fct_orders")
    assert set(mart) == set(warehouse.query(
        "select order_id from staging.stg_raw__orders where ordered_at < "
        "(select cast(as_of_date as timestamp) from intermediate.int_as_of_date)"))
    assert len(mart) == len(set(mart))


def test_prune_finds_keys_whose_base_rows_were_rewritten(incremental: IncrementalRun,
                                                         tmp_path: Path):
    """A base row rewritten as quarantined after the order facts' latest build (as a
    rebuild of the base model with stricter rules would): the next run deletes its
    key from the order fact, though its load is still in base."""
    warehouse = incremental.warehouse.copy_to(tmp_path)
    rewritten = {}
    with duckdb.connect(str(warehouse.database)) as con:
        for model, key, clean in BASE_FED_FACTS:
            base = clean.replace("stg_", "base_")
            [(value,)] = con.execute(f"select max({key}) from intermediate.{model}").fetchall()
            con.execute(
                f"update staging.{base} set quarantine_reason = 'rewritten_by_test', "
                f"_refreshed_at = (select max(_refreshed_at) from intermediate.{model}) "
                f"+ interval 1 second where {key} = ? and quarantine_reason is null", [value])
            rewritten[model] = (key, value)
    warehouse.dbt("run", "-s", *(model for model, _, _ in BASE_FED_FACTS))
    for model, (key, value) in rewritten.items():
        assert warehouse.query(
            f"select count(*) from intermediate.{model} where {key} = ?", [value]) == [(0,)], model


def test_order_occasions_follow_a_lost_first_purchase(incremental: IncrementalRun,
                                                      tmp_path: Path):
    """A customer's first qualifying order gone from int_order_local_times (as a
    replacing load without it leaves it), no other order of theirs refreshed: the
    next run moves the anniversary anchor of all their orders to the next qualifying
    day, as a full refresh does (doc block incremental_order_occasions)."""
    copy = incremental.warehouse.copy_to(tmp_path / "incremental")
    qualifying_days = """
        select local_times.customer_id, local_times.order_id, local_times.order_date_local
        from intermediate.int_order_local_times as local_times
        inner join intermediate.int_orders as orders on local_times.order_id = orders.order_id
        where orders.is_qualifying"""
    # a customer with qualifying orders on at least two days, and their first order
    [(customer, first_order, second_day)] = copy.query(f"""
        with days as ({qualifying_days}),
        ranked as (
            select *, dense_rank() over (partition by customer_id order by order_date_local) as day
            from days
        )
        select customer_id, min(order_id) filter (where day = 1),
               min(order_date_local) filter (where day = 2)
        from ranked
        group by customer_id
        having count(*) filter (where day = 1) = 1 and max(day) >= 2
        order by customer_id
        limit 1""")
    with duckdb.connect(str(copy.database)) as con:
        con.execute("delete from intermediate.int_order_local_times where order_id = ?",
                    [first_order])
    copy.dbt("run", "-s", "int_order_occasions")
    assert set(copy.query("select first_order_date_local from intermediate.int_order_occasions "
                          "where customer_id = ?", [customer])) == {(second_day,)}

    full = copy.copy_to(tmp_path / "full")
    full.dbt("run", "-s", "int_order_occasions", "--full-refresh")
    found = differences(copy.database, full.database, "intermediate", "int_order_occasions",
                        {"_refreshed_at"})
    assert not found, "\n".join(found)


def append_customer_rows(warehouse: BuiltWarehouse, directory: Path,
                         rows: list[dict[str, str]]) -> str:
    """Append ``rows`` (raw customers columns as text) as a load of their own; its load id."""
    directory.mkdir(parents=True)
    with (directory / "customers.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pipeline.run(pipeline.python_script("load_raw.py", str(directory), "--append"),
                 env=warehouse.env)
    [(load_id,)] = warehouse.query(
        "select distinct _load_id from raw.customers "
        "where _loaded_at = (select max(_loaded_at) from raw.customers)")
    return load_id


def raw_customer_row(warehouse: BuiltWarehouse, customer_id: str) -> dict[str, str]:
    """The customer's latest raw row, its contract columns only."""
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        cursor = con.execute("select * exclude (_source_file, _source_row, _load_id, _loaded_at) "
                             "from raw.customers where customer_id = ? "
                             "order by _loaded_at desc, _source_row desc limit 1", [customer_id])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_customer_row_cleared_later_moves_the_customers_orders(incremental: IncrementalRun,
                                                                 tmp_path: Path):
    """A customers row quarantined as `future_timestamp` that becomes clean later,
    after another customer's later row has reached int_order_local_times: the
    build that clears it moves the customer's orders to the row's country, as a
    full refresh does. On a copy, three incremental runs of +int_order_local_times:
    a new row of customer C (another country, signup in the future); a new row of
    customer D; then C's row with its signup moved into the past (in place, as the
    clock passing it would: the check compares it with the build's start)."""
    copy = incremental.warehouse.copy_to(tmp_path / "incremental")
    ordering = ("select stg.customer_id, stg.country_code from staging.stg_raw__customers as stg "
                "where stg.country_code != 'unknown' and stg.customer_id in "
                "(select customer_id from intermediate.int_order_local_times) "
                "order by stg.customer_id limit 2")
    (customer, country), (other_customer, _) = copy.query(ordering)
    [(new_country_raw, new_country)] = copy.query(
        "select min(country_raw), country_code from staging.stg_raw__customers "
        "where country_code not in (?, 'unknown') group by country_code "
        "order by country_code limit 1", [country])

    def run() -> None:
        copy.dbt("run", "-s", "+int_order_local_times")

    def order_countries() -> set[str]:
        return {row[0] for row in copy.query(
            "select occasion_country_code from intermediate.int_order_local_times "
            "where customer_id = ?", [customer])}

    # updated after every stored row (so it is the customer's row once clean), not
    # in the future (a future updated_at is quarantined too)
    [(later_update,)] = copy.query("select max(try_cast(updated_at as timestamptz)) "
                                   "+ interval 1 minute from raw.customers")
    assert later_update < datetime.now(later_update.tzinfo) - timedelta(days=2)
    moved = raw_customer_row(copy, customer)
    moved.update(country=new_country_raw, signup_at="2100-01-01T00:00:00Z",
                 updated_at=later_update.isoformat())
    moved_load = append_customer_rows(copy, tmp_path / "moved", [moved])
    run()
    assert copy.query("select quarantine_reason from staging.base_raw__customers "
                      "where _load_id = ?", [moved_load]) == [("future_timestamp",)]
    assert order_countries() == {country}

    resent = raw_customer_row(copy, other_customer)
    resent["updated_at"] = (later_update + timedelta(days=1)).isoformat()
    append_customer_rows(copy, tmp_path / "resent", [resent])
    run()
    # the scenario's point: a later load was read, so C's load time alone no
    # longer tells that C's row changed
    [(read_through,)] = copy.query(
        "select max(_customer_loaded_at) from intermediate.int_order_local_times")
    [(moved_loaded_at,)] = copy.query(
        "select distinct _loaded_at from raw.customers where _load_id = ?", [moved_load])
    assert read_through > moved_loaded_at

    with duckdb.connect(str(copy.database)) as con:
        con.execute("update raw.customers set signup_at = '2020-01-01T00:00:00Z' "
                    "where _load_id = ?", [moved_load])
    run()
    assert order_countries() == {new_country}
    full = copy.copy_to(tmp_path / "full")
    full.dbt("run", "-s", "int_order_local_times", "--full-refresh")
    found = differences(copy.database, full.database, "intermediate", "int_order_local_times",
                        {"_refreshed_at"})
    assert not found, "\n".join(found)


def test_fct_orders_follows_the_cut_back_and_forth(incremental: IncrementalRun,
                                                   warehouse: BuiltWarehouse, tmp_path: Path):
    """fct_orders is incremental (doc block incremental_fct_orders): on a copy, an
    incremental run for an earlier as_of_date leaves exactly the orders before it,
    and a run back at the default date gives the full build's mart again."""
    moved = incremental.warehouse.copy_to(tmp_path)
    copy = moved.database
    earlier = date.fromisoformat(incremental.late_rate[1]) - timedelta(days=90)
    moved.dbt("run", "-s", "int_as_of_date", "fct_orders", "--vars",
              json.dumps({"as_of_date": earlier.isoformat()}))
    stored = {r[0] for r in moved.query("select order_id from marts.fct_orders")}
    expected = {r[0] for r in moved.query(
        "select order_id from intermediate.int_orders where ordered_at < ?", [earlier])}
    assert stored == expected and len(stored) > 0
    moved.dbt("run", "-s", "int_as_of_date", "fct_orders")
    skip = build_time_columns(warehouse.target_path)["fct_orders"]
    assert "_refreshed_at" in skip
    found = differences(copy, warehouse.database, "marts", "fct_orders", skip)
    assert not found, "\n".join(found)


def test_other_as_of_date_on_incremental_warehouse_is_correct(
    incremental: IncrementalRun, generated_raw_dir: Path, tmp_path: Path
):
    """The order facts are not cut at as_of_date: an incremental build for another
    date needs no full refresh. customer_rfm for it must equal the DuckDB baseline
    computed from the complete raw data for the same date. Runs last: it rebuilds
    the RFM path of the incremental warehouse for that date (dbt run: the other
    marts' relationship tests would compare with marts of the default date)."""
    as_of = date.fromisoformat(incremental.late_rate[1]) - timedelta(days=60)
    warehouse = incremental.warehouse
    warehouse.dbt("run", "-s", "+customer_rfm", "--vars",
                  json.dumps({"as_of_date": as_of.isoformat()}))
    parquet = tmp_path / "raw"
    split_rows(generated_raw_dir, parquet, tmp_path / "none", held_out={})
    expected = baselines.duckdb_rfm(parquet, as_of).to_pandas()
    assert set(expected["as_of_date"]) == {as_of}
    assert warehouse.query("select distinct as_of_date from marts.customer_rfm") == [(as_of,)]
    agreement = checks.compare("duckdb_query", expected, checks.mart_rfm(warehouse.database))
    assert agreement.ok, agreement
    assert agreement.mart_monetary_total == agreement.baseline_monetary_total


def test_table_from_before_incremental_is_recomputed(incremental: IncrementalRun):
    """A warehouse built before the order facts were incremental has them without
    bookkeeping columns: the next build empties them, adds the columns and
    recomputes every row (runs after the tests above: it rewrites the order facts)."""
    warehouse = incremental.warehouse
    counts_before = {m: warehouse.query(f"select count(*) from intermediate.{m}")[0][0]
                     for m in ORDER_FACTS}
    with duckdb.connect(str(warehouse.database)) as con:
        for model in ORDER_FACTS:
            stored = {name for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'intermediate' and table_name = ?", [model]).fetchall()}
            for column in sorted(stored & (BOOKKEEPING | {"_build_settings"})):
                con.execute(f"alter table intermediate.{model} drop column {column}")
    warehouse.dbt("run", "-s", *ORDER_FACTS)
    for model in ORDER_FACTS:
        [(rows, batches)] = warehouse.query(
            f"select count(*), count(distinct _refreshed_at) from intermediate.{model}")
        assert (rows, batches) == (counts_before[model], 1), model
