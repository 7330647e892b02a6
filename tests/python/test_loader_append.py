"""scripts/load_raw.py --append on hand-written raw directories (fast: no dbt).

An append adds the rows of the files present to the raw tables, in one
transaction, with its own _load_id, _source_row numbered within its file and a
_loaded_at later than every earlier load.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_loader import counts, flat, query, run_load, write_dir

from customer_segmentation import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "load_raw.py"


def run_append(raw_dir: Path, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUCKDB_PATH": str(database), "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(raw_dir), "--append"],
        cwd=PROJECT_ROOT, env=env, text=True, capture_output=True, check=False, timeout=120,
    )


def write_files(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for table, content in files.items():
        (path / f"{table}.csv").write_text(content, encoding="utf-8", newline="")
    return path


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    database = tmp_path / "warehouse.duckdb"
    result = run_load(write_dir(tmp_path / "full"), database)
    assert result.returncode == 0, result.stderr
    return database


def test_append_adds_rows_with_their_own_load(tmp_path: Path, loaded: Path) -> None:
    before = counts(loaded)
    day = write_files(tmp_path / "day", {
        "orders": "order_id,customer_id,ordered_at\no3,42,2024-02-03 09:00:00\n"
                  "o4,42,2024-02-03 10:00:00\n",
        "order_items": "order_item_id,order_id,product_id,quantity,unit_price\n"
                       "i4,o3,p1,1,9.99\n",
    })
    result = run_append(day, loaded)
    assert result.returncode == 0, result.stderr
    after = counts(loaded)
    assert after["orders"] == before["orders"] + 2
    assert after["order_items"] == before["order_items"] + 1
    # Tables without a file are untouched.
    assert {t: n for t, n in after.items() if t not in ("orders", "order_items")} == {
        t: n for t, n in before.items() if t not in ("orders", "order_items")
    }
    rows = query(loaded, "select order_id, _source_row, _load_id, _loaded_at from raw.orders "
                         "order by _loaded_at, _source_row")
    first_load, appended = rows[:2], rows[2:]
    assert [(r[0], r[1]) for r in appended] == [("o3", 1), ("o4", 2)]
    assert len({r[2] for r in first_load}) == 1 and len({r[2] for r in appended}) == 1
    assert first_load[0][2] != appended[0][2]
    assert appended[0][3] > first_load[0][3]  # later, even within the same second
    loads = query(loaded, "select table_name, row_count from raw._loads "
                          "where loaded_at = (select max(loaded_at) from raw._loads) order by 1")
    assert loads == [("order_items", 1), ("orders", 2)]


def test_failed_append_changes_nothing(tmp_path: Path, loaded: Path) -> None:
    before = counts(loaded)
    loads_before = query(loaded, "select count(*) from raw._loads")
    bad = write_files(tmp_path / "bad", {
        "orders": "order_id,customer_id,ordered_at\no3,42,2024-02-03\n",
        # Its body does not parse: the append of orders before it must roll back.
        "products": 'product_id,product_name\np9,"unterminated\n',
    })
    result = run_append(bad, loaded)
    assert result.returncode == 1
    assert "products.csv" in flat(result.stderr)
    assert counts(loaded) == before
    assert query(loaded, "select count(*) from raw._loads") == loads_before


def test_append_adds_unknown_columns(tmp_path: Path, loaded: Path) -> None:
    day = write_files(tmp_path / "day", {
        "orders": "order_id,customer_id,ordered_at,gift_note\no3,42,2024-02-03,hi\n",
    })
    assert run_append(day, loaded).returncode == 0
    assert query(loaded, "select order_id, gift_note from raw.orders order by order_id") == [
        ("o1", None), ("o2", None), ("o3", "hi"),
    ]


def test_append_needs_a_file_and_a_previous_load(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_append(empty, database)
    assert result.returncode == 1
    assert "nothing to append" in flat(result.stderr)
    day = write_files(tmp_path / "day", {"orders": "order_id,customer_id,ordered_at\no3,42,2024"
                                                   "-02-03\n"})
    result = run_append(day, database)
    assert result.returncode == 1
    assert "no warehouse to append to" in flat(result.stderr)
    assert not database.exists()
    # A warehouse without the raw table (e.g. only other schemas so far).
    duckdb.connect(str(database)).close()
    result = run_append(day, database)
    assert result.returncode == 1
    assert "raw.orders does not exist" in flat(result.stderr)


def test_append_checks_key_columns(tmp_path: Path, loaded: Path) -> None:
    day = write_files(tmp_path / "day", {"orders": "order_id,customer_id\no3,42\n"})
    result = run_append(day, loaded)
    assert result.returncode == 1
    assert "orders.csv" in flat(result.stderr) and "ordered_at" in flat(result.stderr)
