"""Publish the marts as a read-only Parquet copy, swapped in atomically.

The dashboard never opens the DuckDB warehouse: a DuckDB file is locked by its
writer, so a dashboard holding it would make `dbt build` fail, and a dashboard
reading it mid-build could see a half-built table. Instead, after a successful
build, every table of schema `marts` is exported to Parquet in a new versioned
directory (``<root>/v<UTC timestamp>``), and only when all files are complete is
the symlink ``<root>/current`` replaced (``os.replace`` of a new symlink: atomic
on POSIX). Readers resolve ``current`` once per page load and read every table
from that one version directory, so a page never mixes two builds. Older
versions are kept for a while (``keep``) so a reader that resolved the previous
pointer a moment ago can still finish.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from customer_segmentation import PROJECT_ROOT

PUBLISHED_ENV = "PUBLISHED_MARTS_DIR"
CURRENT = "current"
MANIFEST = "_published.json"
MARTS_SCHEMA = "marts"


def published_root() -> Path:
    """Where published versions live: ``PUBLISHED_MARTS_DIR`` or ``data/published``."""
    raw = os.environ.get(PUBLISHED_ENV)
    if not raw:
        return PROJECT_ROOT / "data" / "published"
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


class PublishError(RuntimeError):
    """The marts could not be published; the previous version stays current."""


@dataclass(frozen=True)
class PublishedVersion:
    path: Path
    tables: dict[str, int]  # table name -> row count


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every relation BI reads in the marts schema: tables and views (a mart can be a
    view over an intermediate table, e.g. segment_memberships)."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type in ('BASE TABLE', 'VIEW') order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _version_name(now: datetime) -> str:
    return "v" + now.strftime("%Y%m%dT%H%M%S%fZ")


def publish_marts(database: Path, root: Path, keep: int = 3,
                  now: datetime | None = None) -> PublishedVersion:
    """Export every marts table of ``database`` to ``root/v<ts>/<table>.parquet``; swap ``current``.

    Opens the warehouse read-only (run it after `dbt build` has finished). Raises
    PublishError, leaving ``current`` untouched, when the warehouse has no marts.
    """
    if not database.exists():
        raise PublishError(f"warehouse {database} does not exist: run `dbt build` first")
    root.mkdir(parents=True, exist_ok=True)
    version = root / _version_name(now or datetime.now(UTC))
    staging = root / f".{version.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            tables = mart_tables(con)
            if not tables:
                raise PublishError(f"warehouse {database} has no tables in schema "
                                   f"{MARTS_SCHEMA!r}: run `dbt build` first")
            counts: dict[str, int] = {}
            for table in tables:
                target = staging / f"{table}.parquet"
                con.execute(
                    f'copy "{MARTS_SCHEMA}"."{table}" to \'{target}\' (format parquet)'
                )
                counts[table] = int(
                    con.execute(f'select count(*) from "{MARTS_SCHEMA}"."{table}"').fetchone()[0]
                )
        (staging / MANIFEST).write_text(json.dumps({
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "warehouse": str(database),
            "tables": counts,
        }, indent=2))
        staging.rename(version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_current(root, version)
    prune_versions(root, keep)
    return PublishedVersion(version, counts)


def swap_current(root: Path, version: Path) -> None:
    """Point ``root/current`` at ``version`` atomically (readers see old or new, never none)."""
    link = root / f".{CURRENT}.{os.getpid()}.tmp"
    link.unlink(missing_ok=True)
    # Relative target: the published directory can be moved or mounted elsewhere.
    link.symlink_to(version.name, target_is_directory=True)
    os.replace(link, root / CURRENT)


def prune_versions(root: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` versions, never the current one."""
    current = current_version(root)
    versions = sorted(p for p in root.glob("v*") if p.is_dir())
    removed = []
    for old in versions[:-keep] if keep > 0 else versions:
        if current is not None and old.resolve() == current.resolve():
            continue
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def current_version(root: Path) -> Path | None:
    """The directory ``root/current`` points at, resolved once; None when nothing is published."""
    link = root / CURRENT
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return None
    return target if (target / MANIFEST).exists() else None
