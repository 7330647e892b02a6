"""Benchmark data: generated once per (customers, seed), cached, split for the append."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

from customer_segmentation import PROJECT_ROOT

DATA_ROOT = PROJECT_ROOT / "bench" / "data"
MANIFEST = "split.json"


@dataclass(frozen=True)
class BenchData:
    """A cached data set: ``full`` as generated, ``base`` + ``append`` = ``full``."""

    root: Path
    customers: int
    seed: int
    last_day: str  # the held-out UTC order date (ISO)
    rows: dict[str, int]  # orders / order_items / fx_rates rows in base and append

    @property
    def full(self) -> Path:
        return self.root / "full"

    @property
    def base(self) -> Path:
        return self.root / "base"

    @property
    def append(self) -> Path:
        return self.root / "append"


def data_dir(customers: int, seed: int, root: Path = DATA_ROOT) -> Path:
    return root / f"c{customers}_s{seed}"


def load_cached(directory: Path) -> BenchData | None:
    """The cached data set in ``directory`` when its split finished, else None."""
    manifest = directory / MANIFEST
    if not manifest.exists():
        return None
    meta = json.loads(manifest.read_text())
    return BenchData(directory, meta["customers"], meta["seed"], meta["last_day"], meta["rows"])


def generate_parquet(out: Path, customers: int, seed: int) -> None:
    """scripts/generate_data.py --format parquet, its progress bar on the terminal."""
    if out.exists():
        shutil.rmtree(out)  # a half-written earlier attempt
    command = [
        sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"), "--out", str(out),
        "--customers", str(customers), "--seed", str(seed), "--format", "parquet",
    ]
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)


def sql_path(path: Path) -> str:
    """``path`` as a quoted SQL string literal (baselines and the split share it)."""
    return "'" + str(path).replace("'", "''") + "'"


def read_table_sql(directory: Path, table: str) -> str:
    """A DuckDB table function over ``<table>.parquet`` or ``<table>.csv``, all text."""
    parquet = directory / f"{table}.parquet"
    if parquet.exists():
        return f"read_parquet({sql_path(parquet)})"
    csv = directory / f"{table}.csv"
    if csv.exists():
        # The generator's CSV dialect; only used on generated data (tests).
        return f"read_csv({sql_path(csv)}, all_varchar = true, header = true)"
    raise FileNotFoundError(f"{directory}: no {table}.parquet or {table}.csv")


def _copy(con: duckdb.DuckDBPyConnection, query: str, out: Path) -> int:
    con.execute(f"copy ({query}) to {sql_path(out)} (format parquet)")
    [(rows,)] = con.execute(f"select count(*) from read_parquet({sql_path(out)})").fetchall()
    return int(rows)


def last_order_day(con: duckdb.DuckDBPyConnection, full: Path) -> date:
    [(day,)] = con.execute(
        "select max(cast(try_cast(ordered_at as timestamptz) as date)) "
        f"from {read_table_sql(full, 'orders')}"
    ).fetchall()
    if day is None:
        raise ValueError(f"{full}: no parseable ordered_at in orders")
    return day


def split_rows(full: Path, base: Path, append: Path, held_out: dict[str, str]) -> dict[str, int]:
    """Write ``full`` as Parquet to ``base``, except the rows ``held_out`` sends to ``append``.

    ``held_out`` maps a table to a DuckDB condition on its (text) columns; rows
    for which it is true go to ``append``, all others (NULL too) to ``base``, so
    loading base then appending gives exactly the rows of ``full``. Tables not
    named go to ``base`` whole. Runs with the session time zone UTC.
    """
    for directory in (base, append):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    rows: dict[str, int] = {}
    tables = sorted({p.name.split(".")[0] for p in full.iterdir() if p.is_file()})
    for table in tables:
        select = f"select * from {read_table_sql(full, table)}"
        condition = held_out.get(table)
        if condition is None:
            source = full / f"{table}.parquet"
            if source.exists():
                _link_or_copy(source, base / source.name)
            else:
                rows[f"base.{table}"] = _copy(con, select, base / f"{table}.parquet")
            continue
        rows[f"base.{table}"] = _copy(
            con, f"{select} where ({condition}) is not true", base / f"{table}.parquet"
        )
        rows[f"append.{table}"] = _copy(
            con, f"{select} where {condition}", append / f"{table}.parquet"
        )
    return rows


def last_day_conditions(full: Path, day: date) -> dict[str, str]:
    """The held-out day: its orders, their order items and the day's fx rates."""
    on_day = f"cast(try_cast(ordered_at as timestamptz) as date) = date '{day.isoformat()}'"
    orders_on_day = f"select order_id from {read_table_sql(full, 'orders')} where {on_day}"
    return {
        "orders": on_day,
        "order_items": f"order_id in ({orders_on_day})",
        "fx_rates": f"rate_date = '{day.isoformat()}'",
    }


def split_last_day(full: Path, base: Path, append: Path) -> tuple[date, dict[str, int]]:
    """Write ``base`` (all but the last UTC day of orders) and ``append`` (that day)."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    day = last_order_day(con, full)
    return day, split_rows(full, base, append, last_day_conditions(full, day))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def prepare(customers: int, seed: int, root: Path = DATA_ROOT) -> BenchData:
    """The cached data set for (customers, seed), generating and splitting it if needed."""
    directory = data_dir(customers, seed, root)
    cached = load_cached(directory)
    if cached is not None:
        return cached
    directory.mkdir(parents=True, exist_ok=True)
    generate_parquet(directory / "full", customers, seed)
    day, rows = split_last_day(directory / "full", directory / "base", directory / "append")
    data = BenchData(directory, customers, seed, day.isoformat(), rows)
    meta = {k: v for k, v in asdict(data).items() if k != "root"}
    (directory / MANIFEST).write_text(json.dumps(meta, indent=2) + "\n")
    return data
