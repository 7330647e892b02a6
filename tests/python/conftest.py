"""Shared fixtures: generated raw data and warehouses built once per test session.

End-to-end tests run the real commands (generate_data.py, load_raw.py, dbt build)
through customer_segmentation.pipeline, each build in its own temp directory with
its own warehouse file and dbt target path, so tests never touch the developer's
warehouse and can run while a demo build is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from customer_segmentation import pipeline

E2E_CUSTOMERS = 3000
E2E_SEED = 42


@dataclass
class BuiltWarehouse:
    """A warehouse built from one raw directory by the real pipeline."""

    raw_dir: Path
    database: Path
    target_path: Path
    env: dict[str, str]
    build_log: str = ""
    vars: dict[str, Any] = field(default_factory=dict)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def frame(self, sql: str):
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).df()

    def dbt(self, *args: str, check: bool = True) -> str:
        command = pipeline.dbt(*args, target_path=self.target_path)
        if check:
            return pipeline.run(command, env=self.env)
        import subprocess

        result = subprocess.run(
            command,
            cwd=pipeline.PROJECT_ROOT,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        return result.stdout


def build_warehouse(
    workdir: Path, raw_dir: Path, dbt_vars: dict[str, Any] | None = None, command: str = "build"
) -> BuiltWarehouse:
    """Load ``raw_dir`` into a fresh DuckDB file under ``workdir`` and run dbt on it."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    env = pipeline.dbt_env(database, extra={"DBT_LOG_PATH": str(workdir / "logs")})
    pipeline.load(raw_dir, env)
    warehouse = BuiltWarehouse(raw_dir, database, workdir / "target", env, vars=dbt_vars or {})
    args = [command]
    if dbt_vars:
        import json

        args += ["--vars", json.dumps(dbt_vars)]
    warehouse.build_log = warehouse.dbt(*args)
    return warehouse


@pytest.fixture(scope="session")
def generated_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clean generated data (E2E_CUSTOMERS customers, fixed seed)."""
    out = tmp_path_factory.mktemp("raw_clean")
    pipeline.generate(out, customers=E2E_CUSTOMERS, seed=E2E_SEED)
    return out


@pytest.fixture(scope="session")
def dirty_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated data with 2% injected faults (truth in truth/injected_faults.csv)."""
    out = tmp_path_factory.mktemp("raw_dirty")
    pipeline.generate(out, customers=E2E_CUSTOMERS, seed=E2E_SEED + 1, dirty=0.02)
    return out


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, generated_raw_dir: Path) -> BuiltWarehouse:
    """The whole project built (dbt build: seeds, models, tests) on clean generated data."""
    return build_warehouse(tmp_path_factory.mktemp("wh_clean"), generated_raw_dir)


@pytest.fixture(scope="session")
def dirty_warehouse(
    tmp_path_factory: pytest.TempPathFactory, dirty_raw_dir: Path
) -> BuiltWarehouse:
    """The whole project built on generated data with injected faults."""
    return build_warehouse(tmp_path_factory.mktemp("wh_dirty"), dirty_raw_dir)


@pytest.fixture(scope="session")
def warehouse_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., BuiltWarehouse]]:
    """Build extra warehouses (other vars, cut-off data) in their own temp dirs."""

    def make(
        raw_dir: Path, dbt_vars: dict[str, Any] | None = None, command: str = "build"
    ) -> BuiltWarehouse:
        return build_warehouse(tmp_path_factory.mktemp("wh_extra"), raw_dir, dbt_vars, command)

    yield make
