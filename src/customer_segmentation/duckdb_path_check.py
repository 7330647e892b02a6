"""A dbt-duckdb plugin that stops dbt with a message naming ``DUCKDB_PATH``.

Without it, a ``DUCKDB_PATH`` in a directory that does not exist fails at the
first query with DuckDB's "Cannot open file" and a Python traceback that never
names the setting. dbt-duckdb builds its plugins before it opens the database,
and turns a ``RuntimeError`` raised there into a plain "failed to connect"
error, so the check here is the first thing a dbt command reports.
Registered in profiles.yml (duckdb output, ``plugins``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin


def check_duckdb_path(path: str, setting: str | None) -> None:
    """Raise RuntimeError naming the setting when ``path``'s directory is missing."""
    if not path or path == ":memory:" or path.startswith(("md:", "motherduck:")):
        return
    directory = Path(path).parent
    if not directory.is_dir():
        raise RuntimeError(
            f"DUCKDB_PATH={setting!r}: directory {str(directory)!r} does not exist "
            "(create it, or point DUCKDB_PATH at an existing directory)"
        )


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        path = self.creds.path if self.creds is not None else ""
        check_duckdb_path(path, os.environ.get("DUCKDB_PATH", path))
