"""The benchmark's parts on small data: the split, the DuckDB baseline, the
measuring child process and the report (`make bench` itself runs for minutes).

The baseline is checked against the session warehouse (clean generated data),
whose raw files are written as Parquet first, as the benchmark reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import BuiltWarehouse

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.bench import baselines, checks, data, report, runner


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory, generated_raw_dir: Path):
    root = tmp_path_factory.mktemp("bench_split")
    day, rows = data.split_last_day(generated_raw_dir, root / "base", root / "append")
    return root, day, rows


def _count(directory: Path, table: str) -> int:
    [(rows,)] = duckdb.sql(f"select count(*) from {data.read_table_sql(directory, table)}"
                           ).fetchall()
    return int(rows)


def test_split_holds_out_the_last_day_and_loses_nothing(split, generated_raw_dir: Path):
    root, day, rows = split
    for table in ("orders", "order_items", "fx_rates"):
        assert rows[f"append.{table}"] > 0, table
        assert rows[f"base.{table}"] + rows[f"append.{table}"] == _count(generated_raw_dir,
                                                                         table)
    for table in ("customers", "products"):
        assert _count(root / "base", table) == _count(generated_raw_dir, table)
    [(latest,)] = duckdb.sql(
        "select max(cast(cast(ordered_at as timestamptz) as date)) "
        f"from {data.read_table_sql(root / 'base', 'orders')}").fetchall()
    assert latest < day


def _as_parquet(raw_dir: Path, tmp_path: Path) -> Path:
    """The raw CSV files as the Parquet files the benchmark's baselines read."""
    parquet = tmp_path / "raw"
    data.split_rows(raw_dir, parquet, tmp_path / "none", held_out={})
    return parquet


@pytest.mark.parametrize("validated", [False, True], ids=["plain", "validated"])
def test_duckdb_baseline_agrees_with_customer_rfm(tmp_path: Path, generated_raw_dir: Path,
                                                  warehouse: BuiltWarehouse, validated: bool):
    answer = baselines.duckdb_rfm(_as_parquet(generated_raw_dir, tmp_path),
                                  validated=validated).to_pandas()
    agreement = checks.compare("duckdb_query", answer, checks.mart_rfm(warehouse.database))
    assert agreement.ok, agreement
    assert agreement.mart_monetary_total == agreement.baseline_monetary_total
    assert (answer["frequency"] > 0).sum() > 100


def _baseline_rows(raw_dir: Path, validated: bool, cte: str, columns: str) -> Counter[tuple]:
    inputs = (baselines._validated_inputs if validated else baselines._plain_inputs)(raw_dir, "USD")
    return Counter(duckdb.sql(f"with {inputs} select {columns} from {cte}").fetchall())


def test_validated_baseline_keeps_the_rows_staging_keeps(tmp_path: Path, dirty_raw_dir: Path,
                                                         dirty_warehouse: BuiltWarehouse):
    """Baseline (c) really checks: on faulty data it keeps exactly staging's clean
    orders and lines, which the plain query does not (so the data has faults that
    matter to both tables)."""
    parquet = _as_parquet(dirty_raw_dir, tmp_path)
    line_columns = "order_id, product_id, quantity, unit_price, discount"
    staged_orders = Counter(dirty_warehouse.query(
        "select order_id, customer_id, ordered_at, status, currency from staging.stg_raw__orders"))
    staged_lines = Counter(dirty_warehouse.query(
        "select order_id, product_id, quantity, unit_price, discount_amount "
        "from staging.stg_raw__order_items"))

    order_columns = "order_id, customer_id, ordered_at, status, currency"
    assert _baseline_rows(parquet, True, "orders", order_columns) == staged_orders
    assert _baseline_rows(parquet, True, "order_lines", line_columns) == staged_lines
    with pytest.raises(duckdb.Error):  # the plain query cannot even cast the faulty text
        _baseline_rows(parquet, False, "order_lines", line_columns)


def test_validated_baseline_drops_each_faulty_order(tmp_path: Path):
    """The order checks the generated faults do not reach, one faulty order each."""
    orders = [  # (order_id, ordered_at, status, currency, is_gift)
        ("ok", "2024-03-01 10:00:00", "completed", "USD", "true"),
        ("dup", "2024-03-02 10:00:00", "completed", "USD", "no"),
        ("dup", "2024-03-03 10:00:00", "returned", "USD", "no"),  # repeated id: first row kept
        ("bad_bool", "2024-03-01 10:00:00", "completed", "USD", "maybe"),
        ("bad_status", "2024-03-01 10:00:00", "lost", "USD", ""),
        ("bad_time", "2024-03-01 25:00", "completed", "USD", ""),
        ("future", "2999-01-01 00:00:00", "completed", "USD", ""),
        ("before_rate", "2024-02-28 10:00:00", "completed", "EUR", ""),
        ("after_rate", "2024-03-01 10:00:00", "completed", " eur ", ""),
        ("no_rate", "2024-03-01 10:00:00", "completed", "GBP", ""),
    ]
    raw = tmp_path / "raw"
    raw.mkdir()
    columns = ("order_id", "ordered_at", "status", "currency", "is_gift")
    tables = {
        "orders": [dict(zip(columns, row, strict=True)) | {"customer_id": "C1"} for row in orders],
        "fx_rates": [{"currency": "EUR", "rate_date": "2024-02-29", "rate_to_reporting": "1.1"},
                     {"currency": "GBP", "rate_date": "2024-02-29", "rate_to_reporting": "-1"}],
        "order_items": [{"order_item_id": "L1", "order_id": "ok", "product_id": "P1",
                         "quantity": "1", "unit_price": "2.50", "discount_amount": ""}],
    }
    for table, rows in tables.items():
        pd.DataFrame(rows).to_parquet(raw / f"{table}.parquet")
    kept = _baseline_rows(raw, True, "orders", "order_id, status")
    assert kept == Counter({("ok", "completed"): 1, ("dup", "completed"): 1,
                            ("after_rate", "completed"): 1})


def test_compare_finds_a_cent(warehouse: BuiltWarehouse):
    mart = checks.mart_rfm(warehouse.database)
    changed = mart.copy()
    row = changed.index[changed["frequency"] > 0][0]
    changed.loc[row, "monetary"] = float(changed.loc[row, "monetary"]) + 0.01
    agreement = checks.compare("tampered", changed, mart)
    assert not agreement.ok
    assert agreement.monetary_off_by_a_cent_or_more == 1


def test_child_measures_a_step(tmp_path: Path, split):
    root, _, _ = split
    result = tmp_path / "result.json"
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({
        "step": "load",
        "args": {"raw_dir": str(root / "base"), "database": str(tmp_path / "wh.duckdb")},
        "result": str(result),
    }))
    subprocess.run([sys.executable, "-m", "customer_segmentation.bench.child", str(spec)],
                   cwd=PROJECT_ROOT, check=True, capture_output=True, timeout=300)
    measured = json.loads(result.read_text())
    raw_rows = sum(_count(root / "base", p.stem) for p in (root / "base").glob("*.parquet"))
    assert measured["rows"] == raw_rows
    assert measured["wall_s"] > 0
    assert 30 < measured["peak_mb"] < 4000  # a Python process with DuckDB, in MB
    # Loading parses every file: CPU time was spent, on no more cores than exist.
    assert measured["cpu_s"] > 0.1
    assert 0 < measured["cores_busy"] <= (os.cpu_count() or 1) + 0.1


def test_report_ratios_and_files(tmp_path: Path):
    meta = {"customers": 100, "seed": 1, "orders": 1000, "order_items": 2500,
            "last_day": "2026-06-30", "started_at": "now", "cpus": 2, "memory_gb": 24,
            "load_average": [1.0, 1.0, 1.0], "commit": "abc", "duckdb": "x",
            "dbt_core": "y", "pandas": "z"}
    result = report.BenchResult(meta, [
        report.StepResult("full_build", 100.0, 500.0, 100, "customer_rfm rows", 150.0, 1.5),
        report.StepResult("rfm_path", 12.0, 300.0, 100, "customer_rfm rows"),
        report.StepResult("duckdb_query", 6.0, 200.0, 100, "customers scored"),
        report.StepResult("pandas", 24.0, 900.0, 100, "customers scored"),
        report.StepResult("incremental_build", 25.0, 400.0, 7, "orders recomputed"),
    ])
    ratios = {r["ratio"]: r for r in result.ratios()}
    assert ratios["rfm_path / duckdb_query"]["value"] == 2.0
    assert ratios["rfm_path / duckdb_query"]["meets_target"] is True
    assert ratios["rfm_path / pandas"]["value"] == 0.5
    assert ratios["incremental_build / full_build"]["meets_target"] is True
    json_path, md_path = report.write(result, tmp_path)
    assert json.loads(json_path.read_text())["ratios"] == result.ratios()
    assert "| rfm_path / duckdb_query | 2.00 | <= 2.0 |" in md_path.read_text()
    assert "| full_build | 100.0 | 500 | 150.0 | 1.50 | 100 |" in md_path.read_text()


def test_profile_sums_by_type_and_names_slowest(tmp_path: Path):
    from customer_segmentation.bench import profile

    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"elapsed_time": 9.5, "results": [
        {"unique_id": "model.customer_segmentation.fct_orders", "execution_time": 3.0},
        {"unique_id": "test.customer_segmentation.not_null_fct_orders_order_id.5c141c92f7",
         "execution_time": 1.0},
        {"unique_id": "test.customer_segmentation.assert_rfm_scores_monotonic",
         "execution_time": 4.0},
    ]}))
    summary = profile.summarise(run_results)
    assert summary["seconds_by_type"] == {"test": 5.0, "model": 3.0}
    assert summary["slowest"][0] == ["test assert_rfm_scores_monotonic", 4.0]
    assert ["test not_null_fct_orders_order_id", 1.0] in summary["slowest"]


def test_a_step_list_names_the_steps_it_lacks():
    assert runner.missing_prerequisites(["load", "full_build", "rfm_path"]) == {}
    assert runner.missing_prerequisites(["duckdb_query", "pandas"]) == {}
    assert runner.missing_prerequisites(["rfm_path"]) == {"rfm_path": ["load", "full_build"]}
    assert runner.missing_prerequisites(["load", "append", "incremental_build"]) == {
        "incremental_build": ["full_build"]
    }
    # order matters: the full build must come before the RFM path
    assert runner.missing_prerequisites(["load", "rfm_path", "full_build"]) == {
        "rfm_path": ["full_build"]
    }
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "bench.py"), "--steps", "rfm_path"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "rfm_path needs load, full_build before it" in result.stderr

