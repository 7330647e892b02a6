"""The measured steps. Each runs in its own child process (child.py).

A step returns what it produced; the child times it and reads its peak memory.
Baselines time only their computation (reading the Parquet files included,
writing their answer for the agreement check excluded); dbt steps include dbt's
start-up, as a user running the command sees it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from customer_segmentation import loader, pipeline, rfm_reference
from customer_segmentation.bench import baselines

# Builds hash e-mails as a real deployment does (the salt is for benchmarks only).
BENCH_HASH_SALT = "bench-salt-not-a-secret"


@dataclass(frozen=True)
class Outcome:
    rows: int
    what: str  # what ``rows`` counts
    seconds: float | None = None  # the step's own timing, when not the whole call


def dbt_environment(database: Path, log_path: Path) -> dict[str, str]:
    return pipeline.dbt_env(
        database, extra={"DBT_LOG_PATH": str(log_path), "CUSTOMER_HASH_SALT": BENCH_HASH_SALT}
    )


def _count(database: Path, sql: str) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        [(rows,)] = con.execute(sql).fetchall()
    return int(rows)


def load(raw_dir: str, database: str) -> Outcome:
    sources = loader.validate_directory(Path(raw_dir))
    loaded = loader.load_duckdb(sources, Path(database))
    return Outcome(sum(item.rows for item in loaded), "raw rows loaded")


def append(raw_dir: str, database: str) -> Outcome:
    sources = loader.validate_directory(Path(raw_dir), append=True)
    loaded = loader.append_duckdb(sources, Path(database))
    return Outcome(sum(item.rows for item in loaded), "raw rows appended")


def full_build(database: str, target_path: str, log_path: str) -> Outcome:
    env = dbt_environment(Path(database), Path(log_path))
    pipeline.build(env, "duckdb", target_path=Path(target_path))
    return Outcome(_count(Path(database), "select count(*) from marts.customer_rfm"),
                   "customer_rfm rows")


def rfm_path(database: str, target_path: str, log_path: str) -> Outcome:
    """Raw to customer_rfm alone; --full-refresh so the order facts are rebuilt from raw."""
    env = dbt_environment(Path(database), Path(log_path))
    pipeline.run(pipeline.dbt("build", "-s", "+customer_rfm", "--full-refresh",
                              target_path=Path(target_path)), env=env)
    return Outcome(_count(Path(database), "select count(*) from marts.customer_rfm"),
                   "customer_rfm rows")


def incremental_build(database: str, target_path: str, log_path: str) -> Outcome:
    env = dbt_environment(Path(database), Path(log_path))
    pipeline.build(env, "duckdb", target_path=Path(target_path))
    refreshed = _count(
        Path(database),
        "select count(*) from intermediate.int_orders where _refreshed_at = "
        "(select max(_refreshed_at) from intermediate.int_orders)",
    )
    return Outcome(refreshed, "orders recomputed")


def _write(table: pa.Table, out: str) -> None:
    pq.write_table(table, out)


def duckdb_query(raw_dir: str, out: str, validated: bool = False) -> Outcome:
    start = time.perf_counter()
    result = baselines.duckdb_rfm(Path(raw_dir), validated=validated)
    seconds = time.perf_counter() - start
    _write(result, out)
    return Outcome(result.num_rows, "customers scored", seconds)


def duckdb_validated_query(raw_dir: str, out: str) -> Outcome:
    return duckdb_query(raw_dir, out, validated=True)


def pandas_rfm(raw_dir: str, out: str) -> Outcome:
    start = time.perf_counter()
    result, _ = rfm_reference.customer_rfm(Path(raw_dir))
    seconds = time.perf_counter() - start
    result.to_parquet(out, index=False)
    return Outcome(len(result), "customers scored", seconds)


STEPS: dict[str, Callable[..., Outcome]] = {
    "load": load,
    "full_build": full_build,
    "rfm_path": rfm_path,
    "duckdb_query": duckdb_query,
    "duckdb_validated_query": duckdb_validated_query,
    "pandas": pandas_rfm,
    "append": append,
    "incremental_build": incremental_build,
}
