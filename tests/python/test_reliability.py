"""Builds are repeatable and survive interruption; reloading raw data duplicates nothing.

Reuses the session warehouses of conftest.py: `warehouse` (clean generated data) is
version A of every mart, `dirty_warehouse` (other generated data) is version B.
Each test works on a copy of A's warehouse file, so the session warehouses stay as
they are.

Marts are compared by a checksum per table over its rows sorted on every column
(the key first), leaving out build-time columns: mart columns documented with
`meta: {build_time: true}` (none so far).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from customer_segmentation import pipeline
from customer_segmentation.contract import TABLES_BY_NAME

if TYPE_CHECKING:
    from conftest import BuiltWarehouse

MARTS = "marts"
# Names dbt-duckdb gives a table while it swaps a new version in (see its table
# materialization): built as <name>__dbt_tmp, the old one renamed <name>__dbt_backup.
SWAP_SUFFIXES = ("__dbt_tmp", "__dbt_backup")
BUILD = ("build", "--exclude-resource-type", "unit_test")


def build_time_columns(target_path: Path) -> dict[str, set[str]]:
    """Mart columns whose values depend on when the build ran, from their documentation."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] == MARTS:
            found[node["alias"]] = {
                name
                for name, column in node["columns"].items()
                if (column.get("meta") or {}).get("build_time")
                or (column.get("config", {}).get("meta") or {}).get("build_time")
            }
    return found


def mart_checksums(database: Path, excluded: dict[str, set[str]]) -> dict[str, str]:
    """sha256 per relation in schema marts over its rows sorted on all columns."""
    sums: dict[str, str] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        relations = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [MARTS],
            ).fetchall()
        ]
        for relation in sorted(relations):
            base = relation
            for suffix in SWAP_SUFFIXES:
                base = base.removesuffix(suffix)
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [MARTS, relation],
                ).fetchall()
                if r[0] not in excluded.get(base, set())
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            digest = hashlib.sha256(",".join(columns).encode())
            result = con.execute(f'select {select} from {MARTS}."{relation}" order by all')
            while rows := result.fetchmany(10_000):
                for row in rows:
                    digest.update(repr(row).encode())
            sums[relation] = digest.hexdigest()
    return sums


def copy_warehouse(source: BuiltWarehouse, workdir: Path) -> tuple[Path, dict[str, str]]:
    """A copy of ``source``'s warehouse file, and ``source``'s settings pointing at it."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    shutil.copyfile(source.database, database)
    env = {
        **source.env,  # same settings (e.g. the hash salt): only the data may matter
        "DUCKDB_PATH": str(database),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_USE_COLORS": "false",
    }
    return database, env


def raw_counts(database: Path) -> dict[str, tuple[int, int]]:
    """Rows and distinct source rows per raw table."""
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: con.execute(
                f"select count(*), count(distinct _source_row) from raw.{table}"
            ).fetchone()
            for table in TABLES_BY_NAME
        }


@pytest.fixture(scope="module")
def excluded(warehouse: BuiltWarehouse) -> dict[str, set[str]]:
    return build_time_columns(warehouse.target_path)


def test_reloading_the_same_raw_dir_and_rebuilding_changes_no_mart(
    warehouse: BuiltWarehouse, excluded: dict[str, set[str]], tmp_path: Path
) -> None:
    """The raw directory already built loaded again, both ways, then everything rebuilt.

    A plain load replaces the raw tables (same rows). `load_raw.py --append` of the
    same files adds a second copy of every row: each repeats a key already loaded,
    so staging quarantines it (`duplicate_key`, first seen wins). The rebuild (the
    incremental models included) must then give byte-identical marts: one build
    equals another on the same data, and nothing is counted twice.
    """
    original = mart_checksums(warehouse.database, excluded)
    assert {"dim_customers", "fct_orders", "customer_rfm"} <= set(original)
    database, env = copy_warehouse(warehouse, tmp_path)
    before = raw_counts(database)

    pipeline.load(warehouse.raw_dir, env)
    assert raw_counts(database) == before  # replaced, not appended
    assert all(rows == distinct for rows, distinct in before.values())
    pipeline.run(pipeline.python_script("load_raw.py", str(warehouse.raw_dir), "--append"), env=env)
    after = raw_counts(database)
    assert {t: rows for t, (rows, _) in after.items()} == {
        t: 2 * rows for t, (rows, _) in before.items()
    }
    with duckdb.connect(str(database), read_only=True) as con:
        loads = con.execute(
            "select table_name, count(distinct load_id) from raw._loads group by 1"
        ).fetchall()
    assert dict(loads) == {table: 3 for table in TABLES_BY_NAME}

    staged_before = staged_counts(warehouse.database)
    pipeline.run(pipeline.dbt("run", target_path=tmp_path / "target"), env=env)
    staged_after = staged_counts(database)
    for table, (rows, _) in before.items():
        clean, quarantined = staged_before[table]
        # the clean rows stay the same; every second copy is quarantined
        assert staged_after[table] == (clean, quarantined + rows), table
    assert mart_checksums(database, excluded) == original


def staged_counts(database: Path) -> dict[str, tuple[int, int]]:
    """Clean and quarantined rows per raw table."""
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: con.execute(
                f"select (select count(*) from staging.stg_raw__{table}), "
                f"(select count(*) from quarantine.quarantine_raw__{table})"
            ).fetchone()
            for table in TABLES_BY_NAME
        }


# --- interrupted builds ----------------------------------------------------------------

MART_STARTED = re.compile(rf"START \w+ \w+ model {MARTS}\.(\w+)")
FCT_ORDERS_DONE = re.compile(rf"OK created \w+ \w+ model {MARTS}\.fct_orders ")


def start_and_kill(
    env: dict[str, str], target_path: Path, database: Path, when: re.Pattern[str], sig: int
) -> tuple[str, str]:
    """Start `dbt build`, send ``sig`` once a log line matches ``when``.

    Returns the matching line and what a BI reader got when it tried to open the
    warehouse at that moment (while the build held it).
    """
    process = subprocess.Popen(
        pipeline.dbt(*BUILD, target_path=target_path),
        cwd=pipeline.PROJECT_ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    matched, reader = "", ""
    try:
        for line in process.stdout:
            if when.search(line):
                matched = line.strip()
                try:
                    with duckdb.connect(str(database), read_only=True) as con:
                        reader = "opened: " + repr(con.execute("select 1").fetchall())
                except duckdb.Error as exc:
                    reader = f"refused: {exc}"
                process.send_signal(sig)
                break
    finally:
        process.stdout.close()
        code = process.wait(timeout=120)
    assert matched, f"the build ended (exit {code}) before a line matched {when.pattern}"
    assert code != 0, "the build was not interrupted"
    return matched, reader


def assert_marts_complete(
    database: Path, excluded: dict[str, set[str]], old: dict[str, str], new: dict[str, str]
) -> dict[str, str]:
    """Every mart relation is the old or the new complete version (or absent)."""
    now = mart_checksums(database, excluded)
    versions = {"old": 0, "new": 0, "absent": 0}
    for relation, checksum in now.items():
        base = relation
        for suffix in SWAP_SUFFIXES:
            base = base.removesuffix(suffix)
        assert base in old, f"{MARTS}.{relation}: unexpected relation after the kill"
        assert checksum in (old[base], new[base]), f"{MARTS}.{relation}: neither old nor new"
        if relation == base:
            versions["old" if checksum == old[base] else "new"] += 1
    versions["absent"] = len(set(old) - set(now))
    leftovers = sorted(set(now) - set(old))
    print(f"\nafter the kill: {versions}; swap leftovers: {leftovers}")
    return now


def test_killed_build_leaves_complete_marts_and_rerun_finishes(
    warehouse: BuiltWarehouse,
    dirty_warehouse: BuiltWarehouse,
    excluded: dict[str, set[str]],
    tmp_path: Path,
) -> None:
    old = mart_checksums(warehouse.database, excluded)
    new = mart_checksums(dirty_warehouse.database, excluded)
    assert set(old) == set(new)
    assert all(old[m] != new[m] for m in ("dim_customers", "fct_orders"))
    database, env = copy_warehouse(warehouse, tmp_path)
    pipeline.load(dirty_warehouse.raw_dir, env)
    target = tmp_path / "target"

    # SIGTERM as a scheduler sends it, as soon as the first mart starts building
    line, reader = start_and_kill(env, target, database, MART_STARTED, signal.SIGTERM)
    print(f"\nSIGTERM at: {line}\nBI reader during the build: {reader}")
    assert reader.startswith("refused:") and "lock" in reader, reader
    assert_marts_complete(database, excluded, old, new)

    # SIGKILL (no chance to clean up) right after fct_orders was replaced
    line, reader = start_and_kill(env, target, database, FCT_ORDERS_DONE, signal.SIGKILL)
    print(f"\nSIGKILL at: {line}\nBI reader during the build: {reader}")
    assert reader.startswith("refused:") and "lock" in reader, reader
    now = assert_marts_complete(database, excluded, old, new)
    assert now["fct_orders"] == new["fct_orders"]  # reported created = committed, complete

    # the rerun finishes (models and data tests) and gives what a clean build gives
    pipeline.run(pipeline.dbt(*BUILD, target_path=target), env=env)
    assert mart_checksums(database, excluded) == new
