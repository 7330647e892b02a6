"""Shared fixtures: generated raw data and warehouses built once per test session.

End-to-end tests run the real commands (generate_data.py, load_raw.py, dbt build)
through customer_segmentation.pipeline, each build in its own temp directory with
its own warehouse file and dbt target path, so tests never touch the developer's
warehouse and can run while a demo build is open.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from customer_segmentation import PROJECT_ROOT, pipeline
from customer_segmentation.online_retail import SHARED_EXPORT

E2E_CUSTOMERS = 3000
E2E_SEED = 42
# Builds get a hash salt, so dim_customers.email_hash is filled and tested.
E2E_HASH_SALT = "e2e-test-salt-not-secret"
# Every statement the PostgreSQL builds run is explained into the server's log
# (test_no_join_is_planned_as_a_subplan_on_postgres reads the plans).
AUTO_EXPLAIN = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0"


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

    def copy_to(self, directory: Path) -> BuiltWarehouse:
        """A copy of the warehouse file, with its own dbt target, for tests that change it."""
        directory.mkdir(parents=True, exist_ok=True)
        copy = directory / "copy.duckdb"
        shutil.copy(self.database, copy)
        return dataclasses.replace(self, database=copy, target_path=directory / "target",
                                   env={**self.env, "DUCKDB_PATH": str(copy)})

    def data_test_result(self, name: str, *args: str) -> str:
        """`dbt test` of one data test: "PASS" or "FAIL <rows>"."""
        output = self.dbt("test", "-s", name, *args, check=False)
        results = re.findall(rf"\b(PASS|FAIL \d+) {name}\b", output)
        assert len(results) == 1, output[-2000:]
        return results[0]

    def data_test_failures(self, name_glob: str) -> set[tuple]:
        """The rows a data test returns, by running its SQL as the latest `dbt test`
        compiled it (the project turns --store-failures off for data tests)."""
        [compiled] = (self.target_path / "compiled").rglob(f"{name_glob}.sql")
        return set(self.query(compiled.read_text()))


def warehouse_env(workdir: Path) -> dict[str, str]:
    """dbt's environment for the warehouse file and logs under ``workdir``."""
    return pipeline.dbt_env(workdir / "warehouse.duckdb",
                            extra={"DBT_LOG_PATH": str(workdir / "logs"),
                                   "CUSTOMER_HASH_SALT": E2E_HASH_SALT})


def build_warehouse(
    workdir: Path, raw_dir: Path, dbt_vars: dict[str, Any] | None = None, command: str = "build"
) -> BuiltWarehouse:
    """Load ``raw_dir`` into a fresh DuckDB file under ``workdir`` and run dbt on it."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    env = warehouse_env(workdir)
    pipeline.load(raw_dir, env)
    warehouse = BuiltWarehouse(raw_dir, database, workdir / "target", env, vars=dbt_vars or {})
    if command == "build":
        # The user's path: the clustering script runs first where it is a script.
        warehouse.build_log = pipeline.build(env, "duckdb", dbt_vars, warehouse.target_path)
        return warehouse
    args = [command]
    if dbt_vars:
        import json

        args += ["--vars", json.dumps(dbt_vars)]
    warehouse.build_log = warehouse.dbt(*args)
    return warehouse


def run_load(raw_dir: Path, database: Path) -> subprocess.CompletedProcess[str]:
    """scripts/load_raw.py as a user runs it; wide, uncoloured output for the assertions."""
    env = pipeline.dbt_env(database, extra={"COLUMNS": "400", "NO_COLOR": "1"})
    return subprocess.run(
        pipeline.python_script("load_raw.py", str(raw_dir)),
        cwd=PROJECT_ROOT,
        env=env,
        text=True,
        capture_output=True,
        check=False,
        timeout=120,
    )


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 make: Callable[[Path], None]) -> Path:
    """The directory ``name`` that ``make`` fills once per pytest run.

    ``make test`` runs the tests in several pytest-xdist workers, each with its own
    session fixtures. A session warehouse takes 30-60 s to load and build here:
    built once per worker, the warehouses would take the time the workers save. The
    first worker to need one builds it into the run's shared temp directory, holding
    a lock; the others wait on the lock and reuse it. A failed build leaves no
    done-marker, so the next worker to need it builds it again (and reports its error).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's directory, above each worker's own
    directory, done = root / f"shared_{name}", root / f"shared_{name}.done"
    with (root / f"shared_{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            make(directory)
            done.touch()
    return directory


def shared_warehouse(tmp_path_factory: pytest.TempPathFactory, name: str,
                     raw_dir: Path) -> BuiltWarehouse:
    """``raw_dir`` built once per run (once_per_run); this worker gets its own copy of
    the warehouse file and dbt target, so no two processes ever open the same file
    (a DuckDB file has one writer, and tests run dbt on the session warehouse)."""

    def build(directory: Path) -> None:
        built = build_warehouse(directory, raw_dir)
        (directory / "build.log").write_text(built.build_log)

    shared = once_per_run(tmp_path_factory, name, build)
    workdir = tmp_path_factory.mktemp(name)
    shutil.copy(shared / "warehouse.duckdb", workdir / "warehouse.duckdb")
    shutil.copytree(shared / "target", workdir / "target")
    return BuiltWarehouse(raw_dir, workdir / "warehouse.duckdb", workdir / "target",
                          warehouse_env(workdir), (shared / "build.log").read_text())


@pytest.fixture(scope="session")
def uci_export() -> Path:
    """The real UCI export of the shared data. Missing fails the tests that need it,
    never skips them (a skipped test must not read as a pass)."""
    assert SHARED_EXPORT.is_file(), (
        f"{SHARED_EXPORT} is missing: the real-data tests cannot run "
        "(the project's shared data sits next to the clone, in ../shared/data)"
    )
    return SHARED_EXPORT


@pytest.fixture(scope="session")
def generated_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clean generated data (E2E_CUSTOMERS customers, fixed seed); read-only."""
    return once_per_run(tmp_path_factory, "raw_clean", lambda out: pipeline.generate(
        out, customers=E2E_CUSTOMERS, seed=E2E_SEED))


@pytest.fixture(scope="session")
def dirty_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated data with 2% injected faults (truth in truth/injected_faults.csv); read-only."""
    return once_per_run(tmp_path_factory, "raw_dirty", lambda out: pipeline.generate(
        out, customers=E2E_CUSTOMERS, seed=E2E_SEED + 1, dirty=0.02))


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, generated_raw_dir: Path) -> BuiltWarehouse:
    """The whole project built (dbt build: seeds, models, tests) on clean generated data."""
    return shared_warehouse(tmp_path_factory, "wh_clean", generated_raw_dir)


@pytest.fixture(scope="session")
def dirty_warehouse(
    tmp_path_factory: pytest.TempPathFactory, dirty_raw_dir: Path
) -> BuiltWarehouse:
    """The whole project built on generated data with injected faults."""
    return shared_warehouse(tmp_path_factory, "wh_dirty", dirty_raw_dir)


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


# --- PostgreSQL: a throwaway server, and the project built on it -------------------------


@dataclass
class PostgresWarehouse:
    """The project built on one database of the throwaway PostgreSQL server."""

    server: Any  # customer_segmentation.pgserver.PostgresServer
    database: str
    raw_dir: Path
    target_path: Path
    env: dict[str, str]
    build_log: str = ""

    def connect(self, user: str | None = None, password: str | None = None):
        import psycopg2

        return psycopg2.connect(**self.server.connect_kwargs(user, password, self.database))

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(sql, params or [])
            rows = cur.fetchall()
        conn.close()
        return rows


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest):
    """A PostgreSQL server for this session, stopped and deleted afterwards.

    Installs the Debian package when the binaries are missing. Never skips: a
    server that cannot start fails every test that needs it, with the reason.
    """
    import atexit

    from customer_segmentation import pgserver

    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as exc:
        pytest.fail(f"cannot start the throwaway PostgreSQL server: {exc}", pytrace=False)
    # Both: the finalizer runs when the session ends (also after failures), atexit
    # when pytest is interrupted before finalizers run. stop() is idempotent.
    request.addfinalizer(server.stop)
    atexit.register(server.stop)
    return server


def build_postgres_warehouse(server: Any, workdir: Path, raw_dir: Path,
                             database: str) -> PostgresWarehouse:
    """Create ``database``, load ``raw_dir`` with load_raw.py --target postgres, dbt build."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(**server.connect_kwargs())
    conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
    with conn.cursor() as cur:
        cur.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    conn.close()
    workdir.mkdir(parents=True, exist_ok=True)
    env = pipeline.dbt_env(target="postgres", extra={
        **server.env(database), "DBT_LOG_PATH": str(workdir / "logs"),
        "CUSTOMER_HASH_SALT": E2E_HASH_SALT, "PGOPTIONS": AUTO_EXPLAIN,
    })
    pipeline.load(raw_dir, env, target="postgres")
    warehouse = PostgresWarehouse(server, database, raw_dir, workdir / "target", env)
    # pipeline.build runs the clustering script between the feature mart and the
    # rest, as a user of the postgres target does.
    warehouse.build_log = pipeline.build(env, "postgres", target_path=warehouse.target_path)
    return warehouse


@pytest.fixture(scope="session")
def postgres_warehouse(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: Any, generated_raw_dir: Path
) -> PostgresWarehouse:
    """The whole project built (dbt build) on PostgreSQL from the same data as ``warehouse``."""
    return build_postgres_warehouse(
        postgres_server, tmp_path_factory.mktemp("pg_clean"), generated_raw_dir, "wh_clean"
    )
