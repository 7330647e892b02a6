"""The bad-input corpus (tests/fixtures/bad_inputs): every case gets its documented answer.

Each case in cases.yml changes a tiny valid raw-contract set and names its outcome:
a load failure naming file, column and row; a successful load; or, after the real
load and a real `dbt build`, where each of its raw rows ended (clean or quarantined
with a reason). Nothing may end in a bare stack trace or disappear silently.

Cost: loader cases run only scripts/load_raw.py. Cases that need dbt share builds:
all `append` cases are combined into one dataset (each case's rows traced by their
source row numbers), and the two builds it takes run side by side.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from conftest import run_load

from customer_segmentation import PROJECT_ROOT, pipeline
from customer_segmentation.contract import TABLES_BY_NAME

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "bad_inputs"
MANIFEST = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
BASE = CORPUS / MANIFEST["base"]

# Unit tests do not read the data: the session builds in conftest.py run them.
DBT_BUILD = ("build", "--exclude-resource-type", "unit_test")


@dataclass(frozen=True)
class Case:
    id: str
    input: str
    expect: dict[str, Any]
    mode: str = "replace"
    remove: tuple[str, ...] = ()
    build: str | None = None

    @property
    def directory(self) -> Path:
        return CORPUS / self.id

    @property
    def outcome(self) -> str:
        """load_error, loaded or rows (see cases.yml); exactly one per case."""
        [kind] = set(self.expect) & {"load_error", "loaded", "rows"}
        return kind


CASES = [
    Case(
        id=c["id"],
        input=c["input"],
        expect=c["expect"],
        mode=c.get("mode", "replace"),
        remove=tuple(c.get("remove", ())),
        build=c.get("build"),
    )
    for c in MANIFEST["cases"]
]
LOADER_CASES = [c for c in CASES if c.outcome in ("load_error", "loaded")]
APPEND_CASES = [c for c in CASES if c.mode == "append"]
OWN_BUILD_CASES = [c for c in CASES if c.build == "own"]
DBT_CASES = APPEND_CASES + OWN_BUILD_CASES


def flat(text: str) -> str:
    """Rich may wrap long lines: compare messages with whitespace collapsed."""
    return " ".join(text.split())


def query(database: Path, sql: str) -> list[list[Any]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return [list(row) for row in con.execute(sql).fetchall()]


def table_files(directory: Path) -> dict[str, Path]:
    """Raw-contract files in ``directory`` by table name."""
    found = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        table = path.name.split(".")[0]
        if table in TABLES_BY_NAME and path.is_file():
            found[table] = path
    return found


def compose_replace(case: Case, out: Path) -> Path:
    """Base files, with the case's files instead of the base ones, minus removed tables."""
    out.mkdir(parents=True)
    files = {**table_files(BASE), **table_files(case.directory)}
    for table in case.remove:
        files.pop(table)
    for path in files.values():
        shutil.copyfile(path, out / path.name)
    return out


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def compose_append(cases: list[Case], out: Path) -> dict[str, dict[str, list[int]]]:
    """Base rows then each case's rows, per table; returns case -> table -> source rows."""
    out.mkdir(parents=True)
    origin: dict[str, dict[str, list[int]]] = {c.id: {} for c in cases}
    for table, base_path in table_files(BASE).items():
        header, rows = read_rows(base_path)
        for case in cases:
            path = table_files(case.directory).get(table)
            if path is None:
                continue
            case_header, case_rows = read_rows(path)
            unknown = set(case_header) - set(header)
            assert not unknown, f"{case.id}/{path.name}: columns not in the base file: {unknown}"
            first = len(rows) + 1
            rows += case_rows
            origin[case.id][table] = list(range(first, len(rows) + 1))
        with (out / base_path.name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", restval="")
            writer.writeheader()
            writer.writerows(rows)
    for case in cases:
        extra = set(table_files(case.directory)) - set(origin[case.id])
        assert not extra, f"{case.id}: append files for tables not in the base set: {extra}"
    return origin


def raw_snapshot(database: Path) -> dict[str, Any]:
    """Row counts per raw table and the loads recorded: what a failed load must not change."""
    snapshot: dict[str, Any] = {
        table: query(database, f"select count(*) from raw.{table}")[0][0]
        for table in TABLES_BY_NAME
    }
    snapshot["_loads"] = query(database, "select count(*) from raw._loads")[0][0]
    return snapshot


def assert_checks(database: Path, checks: list[dict[str, Any]]) -> None:
    for check in checks:
        actual = query(database, check["sql"])
        assert actual == check["rows"], (
            f"{check['sql']}\nexpected {check['rows']}\nactual   {actual}"
        )


# --- loader-only cases ---------------------------------------------------------------


@pytest.fixture(scope="module")
def base_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base set loaded once; each loader case starts from a copy of this file."""
    database = tmp_path_factory.mktemp("bad_inputs_base") / "warehouse.duckdb"
    result = run_load(BASE, database)
    assert result.returncode == 0, result.stderr
    return database


@pytest.mark.parametrize("case", LOADER_CASES, ids=lambda c: c.id)
def test_loader_case(case: Case, base_database: Path, tmp_path: Path) -> None:
    raw_dir = compose_replace(case, tmp_path / "raw")
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(base_database, database)
    before = raw_snapshot(database)
    result = run_load(raw_dir, database)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr

    if case.outcome == "loaded":
        assert result.returncode == 0, result.stderr
        assert_checks(database, case.expect["loaded"]["checks"])
        return

    expected = case.expect["load_error"]
    message = flat(result.stderr)
    print(f"\n{case.id}: {message}")
    assert result.returncode == 1, result.stderr
    assert message.startswith("load failed:"), message
    assert expected["file"] in message
    if "column" in expected:
        assert f"'{expected['column']}'" in message
    if "row" in expected:
        assert re.search(rf"\brow {expected['row']}\b", message), message
    assert expected["contains"] in message
    # all or nothing: the previous load is still there, unchanged
    assert raw_snapshot(database) == before


# --- cases that need dbt -------------------------------------------------------------


@dataclass
class Built:
    """One dataset loaded and built, and where each case's raw rows came from."""

    database: Path
    origin: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    log: str = ""


def load_and_build(raw_dir: Path, workdir: Path) -> tuple[Path, str]:
    workdir.mkdir(parents=True)
    database = workdir / "warehouse.duckdb"
    env = pipeline.dbt_env(database, extra={"DBT_LOG_PATH": str(workdir / "logs")})
    pipeline.load(raw_dir, env)
    log = pipeline.run(pipeline.dbt(*DBT_BUILD, target_path=workdir / "target"), env=env)
    return database, log


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """case id -> its built warehouse: the append cases share one, own-build cases have theirs.

    The builds run side by side: each is mostly dbt's single-threaded Python.
    """
    root = tmp_path_factory.mktemp("bad_inputs_dbt")
    jobs: dict[str, tuple[Path, dict[str, dict[str, list[int]]]]] = {}
    combined = root / "combined_raw"
    jobs["combined"] = (combined, compose_append(APPEND_CASES, combined))
    for case in OWN_BUILD_CASES:
        raw_dir = compose_replace(case, root / f"{case.id}_raw")
        everything = {t: list(range(1, 1 + rows)) for t, rows in raw_row_counts(raw_dir).items()}
        jobs[case.id] = (raw_dir, {case.id: everything})
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {
            name: pool.submit(load_and_build, raw_dir, root / f"{name}_build")
            for name, (raw_dir, _) in jobs.items()
        }
        results = {name: future.result() for name, future in futures.items()}
    by_case: dict[str, Built] = {}
    for name, (_, origin) in jobs.items():
        database, log = results[name]
        for case_id in origin:
            by_case[case_id] = Built(database, origin, log)
    yield by_case


def raw_row_counts(raw_dir: Path) -> dict[str, int]:
    return {table: len(read_rows(path)[1]) for table, path in table_files(raw_dir).items()}


def placement(database: Path, table: str, rows: list[int]) -> Counter[str]:
    """Where each of ``rows`` (raw _source_row) ended: 'clean' or its quarantine reason."""
    found = query(
        database,
        f"""
        select raw._source_row, count(stg._source_row) as clean,
               count(q._source_row) as quarantined,
               min(q.quarantine_reason) as reason
        from raw.{table} as raw
        left join staging.stg_raw__{table} as stg on raw._source_row = stg._source_row
        left join quarantine.quarantine_raw__{table} as q on raw._source_row = q._source_row
        where raw._source_row in ({", ".join(map(str, rows))})
        group by raw._source_row
        """,
    )
    assert len(found) == len(rows), f"{table}: rows {rows} not all in raw ({len(found)} found)"
    outcome: Counter[str] = Counter()
    for row, clean, quarantined, reason in found:
        assert clean + quarantined == 1, (
            f"{table} row {row}: clean {clean}, quarantined {quarantined}"
        )
        outcome["clean" if clean else reason] += 1
    return outcome


@pytest.mark.parametrize("case", DBT_CASES, ids=lambda c: c.id)
def test_dbt_case(case: Case, built: dict[str, Built]) -> None:
    warehouse = built[case.id]
    expected = {table: dict(counts) for table, counts in case.expect["rows"].items()}
    origin = warehouse.origin[case.id]
    assert set(origin) == set(expected), f"{case.id}: tables with rows {set(origin)}"
    actual = {
        table: dict(placement(warehouse.database, table, rows)) for table, rows in origin.items()
    }
    print(f"\n{case.id}: {actual}")
    assert actual == expected
    assert_checks(warehouse.database, case.expect.get("checks", []))


def test_combined_build_reconciles_every_table(built: dict[str, Built]) -> None:
    """On the combined dataset as a whole: raw = clean + quarantined, row by row, per table."""
    database = built[APPEND_CASES[0].id].database
    for table in TABLES_BY_NAME:
        [(raw, clean, quarantined, placed)] = query(
            database,
            f"""
            select
                (select count(*) from raw.{table}),
                (select count(*) from staging.stg_raw__{table}),
                (select count(*) from quarantine.quarantine_raw__{table}),
                (select count(distinct _source_row) from (
                    select _source_row from staging.stg_raw__{table}
                    union all
                    select _source_row from quarantine.quarantine_raw__{table}))
            """,
        )
        assert raw == clean + quarantined == placed, (table, raw, clean, quarantined, placed)


def test_readme_lists_every_case() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert listed == {c.id for c in CASES}
    for case in CASES:
        # a case without its own files only removes base files
        assert case.directory.is_dir() or case.remove, f"{case.id}: no directory"
