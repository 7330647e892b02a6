"""Environment settings shared by scripts, tests and profiles.yml.

Paths resolve against the project root, never the current directory, so running
a script from another folder cannot create a second, empty warehouse.
"""

from __future__ import annotations

import os
from pathlib import Path

from customer_segmentation import PROJECT_ROOT


class SettingError(ValueError):
    """A setting (env var or dbt var) has an invalid value; the message names it."""


def duckdb_path() -> Path:
    """The embedded warehouse file from ``DUCKDB_PATH`` (default ``warehouse.duckdb``)."""
    raw = os.environ.get("DUCKDB_PATH", "warehouse.duckdb")
    path = Path(raw)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.parent.is_dir():
        raise SettingError(f"DUCKDB_PATH={raw!r}: directory {str(path.parent)!r} does not exist")
    return path


def postgres_dsn_kwargs() -> dict[str, str]:
    """libpq connection settings from the standard PG* variables (libpq defaults otherwise)."""
    names = {
        "PGHOST": "host",
        "PGPORT": "port",
        "PGUSER": "user",
        "PGPASSWORD": "password",
        "PGDATABASE": "dbname",
    }
    return {kw: os.environ[env] for env, kw in names.items() if os.environ.get(env)}
