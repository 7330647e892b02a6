"""Incremental base models on faulty data (doc block incremental_base_models).

The session's faulty generated data (2% injected faults) is split into a first
load and an append. The append holds what makes stored verdicts change:

- the last order day (orders, their lines, the day's fx rates): a nightly load;
- a few older orders whose lines stay in the first load: those lines are
  `orphan_order` until the append brings their orders;
- the earliest rates of one currency: its early orders are `missing_fx_rate`
  until the append brings the rates;
- copies of some first-load orders and lines (an overlapping export): duplicate
  keys across loads;
- a share of the campaign sends and survey responses, and copies of a few
  first-load ones: new rows of the other incremental base models, and duplicate
  keys across loads there too.

After the first build and the append, dbt builds incrementally. A copy of that
warehouse is then rebuilt with ``--full-refresh`` from the same raw tables: the
base, quarantine, order-fact and mart tables of the two must be equal.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import E2E_HASH_SALT, BuiltWarehouse, build_warehouse
from warehouse_diff import build_time_columns, differences, mart_tables

from customer_segmentation import pipeline
from customer_segmentation.bench.data import (
    last_day_conditions,
    read_table_sql,
    split_rows,
)

INCREMENTAL_BASE = ("base_raw__orders", "base_raw__order_items", "base_raw__customers",
                    "base_raw__campaign_sends", "base_raw__survey_responses")
QUARANTINE = tuple(table.replace("base_", "quarantine_") for table in INCREMENTAL_BASE)
# Appended rows of the tables without a date to split on (key column, key suffix):
# keys ending in the suffix go to the append; RESENT_ROWS of the others are copied.
APPENDED_BY_KEY = {"campaign_sends": ("send_id", "7"), "survey_responses": ("response_id", "3")}
RESENT_ROWS = 5
ORDER_FACTS = ("int_orders__converted", "int_order_lines", "int_orders")
# Incremental by customer (doc block incremental_customer_features).
CUSTOMER_FEATURES = ("int_customer_behaviour", "int_customer_spend_mix",
                     "int_customer_occasion_shares")
LATE_ORDERS = 5
RESENT_ORDERS = 5
EARLY_RATE_DAYS = 20
# The row whose lineage the fixture marks to prove it was kept, not recomputed.
SENTINEL_FILE = "sentinel-kept-not-recomputed"


@dataclass
class Scenario:
    incremental: BuiltWarehouse
    full_refresh: BuiltWarehouse
    reasons_before: dict[str, int]  # quarantine reasons after the first build
    reasons_after: dict[str, int]  # after the append and the incremental build
    countries_before: dict[str, str]  # occasion country of the re-sent orders, first build
    countries_after: dict[str, str]
    sentinel_kept: bool
    appended: dict[str, int] = field(default_factory=dict)


def last_day(full: Path) -> date:
    """The last day with orders, not counting injected future_timestamp faults."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    [(day,)] = con.execute(
        f"select max(cast(try_cast(ordered_at as timestamptz) as date)) from "
        f"{read_table_sql(full, 'orders')} where try_cast(ordered_at as timestamptz) <= now()"
    ).fetchall()
    return day


def append_conditions(full: Path, day: date) -> dict[str, str]:
    """Per table, the condition that sends a row to the append (see the module doc)."""
    con = duckdb.connect()
    orders = read_table_sql(full, "orders")
    conditions = last_day_conditions(full, day)
    late = (f"select order_id from {orders} where order_id is not null group by order_id "
            f"having count(*) = 1 order by order_id limit {LATE_ORDERS}")
    rates = read_table_sql(full, "fx_rates")
    [(currency,)] = con.execute(f"select min(upper(trim(currency))) from {rates}").fetchall()
    in_currency = f"upper(trim(currency)) = '{currency}'"
    early = (f"{in_currency} and rate_date < (select cast(min(try_cast(rate_date as date)) "
             f"+ {EARLY_RATE_DAYS} as varchar) from {rates} where {in_currency})")
    conditions["orders"] = f"({conditions['orders']}) or order_id in ({late})"
    conditions["fx_rates"] = f"({conditions['fx_rates']}) or ({early})"
    for table, (key, suffix) in APPENDED_BY_KEY.items():
        conditions[table] = f"trim({key}) like '%{suffix}'"
    return conditions


def resent_orders(full: Path, day: date) -> list[str]:
    """A few first-load orders (one row each, a month before the last day) to re-send."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return [row[0] for row in con.execute(
        f"select order_id from {read_table_sql(full, 'orders')} where order_id is not null and "
        f"try_cast(ordered_at as timestamptz) < date '{day.isoformat()}' - interval 30 day and "
        f"customer_id in (select customer_id from {read_table_sql(full, 'customers')}) "
        f"group by order_id having count(*) = 1 order by order_id desc limit {RESENT_ORDERS}"
    ).fetchall()]


def add_resent_copies(full: Path, append: Path, day: date, resent: list[str]) -> None:
    """Copies of the ``resent`` orders, their lines and customers, added to the append."""
    listed = ", ".join(f"'{order_id}'" for order_id in resent)
    orders = read_table_sql(full, "orders")
    # The customers are moved to another country (their later updated_at wins):
    # the occasion country and local times of all their orders change.
    moved = (f"select * replace (case when upper(trim(country)) = 'DE' then 'FR' else 'DE' end "
             f"as country, '{day.isoformat()} 23:59:59' as updated_at) "
             f"from {read_table_sql(full, 'customers')} where customer_id in "
             f"(select customer_id from {orders} where order_id in ({listed}))")
    copies = {
        "orders": f"select * from {orders} where order_id in ({listed})",
        "order_items": f"select * from {read_table_sql(full, 'order_items')} "
                       f"where order_id in ({listed})",
        "customers": moved,
    }
    for table, (key, suffix) in APPENDED_BY_KEY.items():
        # a subquery: the ORDER BY and LIMIT must not apply to the union below
        copies[table] = (f"select * from (select * from {read_table_sql(full, table)} "
                         f"where trim({key}) not like '%{suffix}' order by {key} "
                         f"limit {RESENT_ROWS})")
    con = duckdb.connect()
    for table, rows in copies.items():
        target = append / f"{table}.parquet"
        merged = append / f"{table}.merged.parquet"
        existing = (f"select * from read_parquet('{target}') union all by name "
                    if target.exists() else "")
        con.execute(f"copy ({existing}{rows}) to '{merged}' (format parquet)")
        merged.replace(target)


def occasion_countries(warehouse: BuiltWarehouse, resent: list[str]) -> dict[str, str]:
    """Occasion country of every order of the customers of the ``resent`` orders."""
    listed = ", ".join(f"'{order_id}'" for order_id in resent)
    return dict(warehouse.query(
        "select order_id, occasion_country_code from intermediate.int_order_local_times "
        "where customer_id in (select customer_id from intermediate.int_orders "
        f"where order_id in ({listed}))"))


def quarantine_reasons(warehouse: BuiltWarehouse) -> dict[str, int]:
    rows = warehouse.query(
        "select quarantine_reason, count(*) from staging.base_raw__orders "
        "where quarantine_reason is not null group by 1 union all "
        "select quarantine_reason, count(*) from staging.base_raw__order_items "
        "where quarantine_reason is not null group by 1")
    reasons: dict[str, int] = {}
    for reason, count in rows:
        reasons[reason] = reasons.get(reason, 0) + count
    return reasons


def mark_sentinel(database: Path) -> tuple[str, int, str]:
    """Mark one clean stored line that the append does not touch; return how to undo it."""
    with duckdb.connect(str(database)) as con:
        load_id, source_row, source_file = con.execute(
            "select _load_id, _source_row, _source_file from staging.base_raw__order_items "
            "where quarantine_reason is null order by _source_row limit 1").fetchone()
        con.execute("update staging.base_raw__order_items set _source_file = ? "
                    "where _load_id = ? and _source_row = ?", [SENTINEL_FILE, load_id, source_row])
    return load_id, source_row, source_file


def unmark_sentinel(database: Path, mark: tuple[str, int, str]) -> bool:
    """Restore the marked row; True when the incremental build had kept it as stored."""
    load_id, source_row, source_file = mark
    with duckdb.connect(str(database)) as con:
        [(kept,)] = con.execute(
            "select count(*) from staging.base_raw__order_items where _source_file = ? "
            "and _load_id = ? and _source_row = ?", [SENTINEL_FILE, load_id, source_row]
        ).fetchall()
        con.execute("update staging.base_raw__order_items set _source_file = ? "
                    "where _load_id = ? and _source_row = ?", [source_file, load_id, source_row])
    return kept == 1


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, dirty_raw_dir: Path) -> Scenario:
    workdir = tmp_path_factory.mktemp("incremental_staging")
    day = last_day(dirty_raw_dir)
    rows = split_rows(dirty_raw_dir, workdir / "base", workdir / "append",
                      append_conditions(dirty_raw_dir, day))
    resent = resent_orders(dirty_raw_dir, day)
    add_resent_copies(dirty_raw_dir, workdir / "append", day, resent)
    built = build_warehouse(workdir / "wh", workdir / "base")
    before = quarantine_reasons(built)
    countries_before = occasion_countries(built, resent)
    mark = mark_sentinel(built.database)
    pipeline.run(pipeline.python_script("load_raw.py", str(workdir / "append"), "--append"),
                 env=built.env)
    built.build_log = pipeline.build(built.env, "duckdb", target_path=built.target_path)
    kept = unmark_sentinel(built.database, mark)
    # The reference: the same raw tables (both loads), every model rebuilt from them.
    (workdir / "ref").mkdir()
    shutil.copy(built.database, workdir / "ref" / "warehouse.duckdb")
    reference = BuiltWarehouse(
        built.raw_dir, workdir / "ref" / "warehouse.duckdb", workdir / "ref" / "target",
        pipeline.dbt_env(workdir / "ref" / "warehouse.duckdb",
                         extra={"CUSTOMER_HASH_SALT": E2E_HASH_SALT,
                                "DBT_LOG_PATH": str(workdir / "ref" / "logs")}),
    )
    reference.build_log = pipeline.build(reference.env, "duckdb",
                                         target_path=reference.target_path,
                                         extra_args=("--full-refresh",))
    appended = {k.split(".", 1)[1]: v for k, v in rows.items() if k.startswith("append.")}
    return Scenario(built, reference, before, quarantine_reasons(built), countries_before,
                    occasion_countries(built, resent), kept, appended)


def test_append_clears_and_adds_verdicts(scenario: Scenario):
    """The scenario exercises what it is meant to: verdicts that change across loads."""
    before, after = scenario.reasons_before, scenario.reasons_after
    assert before.get("orphan_order", 0) > after.get("orphan_order", 0)
    assert before.get("missing_fx_rate", 0) > after.get("missing_fx_rate", 0)
    assert after.get("duplicate_key", 0) >= before.get("duplicate_key", 0) + 2 * RESENT_ORDERS


def test_sends_and_responses_recomputed_new_rows_and_their_keys(scenario: Scenario):
    """The campaign sends and survey responses base models recomputed the appended
    rows, the copies and the first-load rows sharing their keys (re-ranked), and
    kept the other stored rows."""
    for table in APPENDED_BY_KEY:
        [(recomputed, duplicates, total)] = scenario.incremental.query(
            f"with latest as (select max(_refreshed_at) as at from staging.base_raw__{table}) "
            "select count(*) filter (where _refreshed_at = latest.at), "
            "count(*) filter (where _refreshed_at = latest.at "
            "and quarantine_reason = 'duplicate_key'), count(*) "
            f"from staging.base_raw__{table} cross join latest")
        assert scenario.appended[table] > 0, table
        assert scenario.appended[table] + 2 * RESENT_ROWS <= recomputed < total / 2, table
        assert duplicates >= 1, table


def test_moved_customers_orders_changed_country(scenario: Scenario):
    """The re-sent customers' later rows moved all their orders to another country."""
    before, after = scenario.countries_before, scenario.countries_after
    assert len(after) >= RESENT_ORDERS and set(after) == set(before)
    # A customer whose original row was faulty stays quarantined (its copy is too).
    changed = {order_id for order_id in after if after[order_id] != before[order_id]}
    assert changed and all(after[order_id] in ("DE", "FR") for order_id in changed)


def test_stored_rows_were_kept_not_recomputed(scenario: Scenario):
    assert scenario.sentinel_kept


def test_base_and_quarantine_tables_equal_a_full_refresh(scenario: Scenario):
    found = []
    # only the build bookkeeping (`_refreshed_at`, meta build_time) may differ
    build_time = build_time_columns(scenario.full_refresh.target_path)
    for table in INCREMENTAL_BASE:
        assert build_time[table] == {"_refreshed_at"}, table
        found += differences(scenario.incremental.database, scenario.full_refresh.database,
                             "staging", table, build_time[table])
    for table in QUARANTINE:
        found += differences(scenario.incremental.database, scenario.full_refresh.database,
                             "quarantine", table, set())
    for table in ORDER_FACTS:
        found += differences(scenario.incremental.database, scenario.full_refresh.database,
                             "intermediate", table, {"_refreshed_at"})
    assert not found, "\n".join(found)


def test_customer_features_equal_a_full_refresh(scenario: Scenario):
    skip = build_time_columns(scenario.full_refresh.target_path)
    found = []
    for table in CUSTOMER_FEATURES:
        assert "_refreshed_at" in skip.get(table, set()), table
        found += differences(scenario.incremental.database, scenario.full_refresh.database,
                             "intermediate", table, skip[table])
    assert not found, "\n".join(found)


def test_marts_equal_a_full_refresh(scenario: Scenario):
    skip = build_time_columns(scenario.full_refresh.target_path)
    tables = mart_tables(scenario.full_refresh.database)
    assert "customer_rfm" in tables
    found = []
    for table in tables:
        found += differences(scenario.incremental.database, scenario.full_refresh.database,
                             "marts", table, skip.get(table, set()))
    assert not found, "\n".join(found)


ROWS_RECONCILE_ITEMS = ("source_rows_reconcile_raw_order_items_stg_raw__order_items"
                        "__quarantine_raw__order_items")


@pytest.mark.parametrize("doubled_load", ["other", "same"])
def test_rows_reconcile_finds_a_lost_row_and_a_doubled_row(scenario: Scenario, tmp_path: Path,
                                                           doubled_load: str):
    """Test rows_reconcile (macros/tests/rows_reconcile.sql) compares rows by load and
    row number. On a copy, one line of the first load is dropped from base and one
    doubled, and the test must name both rows:
    - other: the doubled line is the append's line with the same row number, so the
      copies per row number alone are unchanged (the test grouped by row number only
      before, and passed);
    - same: the doubled line is another of the first load, so that load's row count
      is unchanged and only its fingerprint differs."""
    warehouse = scenario.incremental.copy_to(tmp_path)

    def run_test() -> str:
        return warehouse.data_test_result(ROWS_RECONCILE_ITEMS)

    assert run_test() == "PASS"
    raw_rows = dict(warehouse.query(
        "select _loaded_at, count(*) from raw.order_items group by _loaded_at"))
    first, second = sorted(raw_rows)
    lost = (first, 1)
    doubled = (second, 1) if doubled_load == "other" else (first, 2)
    with duckdb.connect(str(warehouse.database)) as con:
        con.execute("delete from staging.base_raw__order_items "
                    "where _loaded_at = ? and _source_row = ?", list(lost))
        con.execute("insert into staging.base_raw__order_items select * from "
                    "staging.base_raw__order_items where _loaded_at = ? and _source_row = ?",
                    list(doubled))
    placed = dict(raw_rows)
    placed[lost[0]] -= 1
    placed[doubled[0]] += 1
    expected = {(lost[0], lost[1], 1, 0), (doubled[0], doubled[1], 1, 2)} | {
        (load, None, raw_rows[load], placed[load]) for load in {lost[0], doubled[0]}}
    assert run_test() == f"FAIL {len(expected)}"
    assert warehouse.data_test_failures("source_rows_reconcile_raw_orde*") == expected
