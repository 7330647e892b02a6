"""Read the published marts (Parquet, see customer_segmentation.publish).

The dashboard reads only schema `marts`, and only through the published copy:
never the DuckDB file (locked by `dbt build`, and possibly half-built).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from customer_segmentation.publish import MANIFEST, current_version, published_root


class NothingPublished(RuntimeError):
    """No published version yet: run `make demo` (build + publish) first."""


@dataclass(frozen=True)
class Marts:
    """One published version: every mart table of one successful build."""

    path: Path
    published_at: str
    row_counts: dict[str, int]

    def has(self, table: str) -> bool:
        return table in self.row_counts

    def table(self, table: str) -> pd.DataFrame | None:
        """The mart as a DataFrame, or None when this build did not produce it."""
        if not self.has(table):
            return None
        return pd.read_parquet(self.path / f"{table}.parquet")


def open_marts(root: Path | None = None) -> Marts:
    """The version ``current`` points at, resolved once (every read then uses that version)."""
    root = root or published_root()
    version = current_version(root)
    if version is None:
        raise NothingPublished(
            f"no published marts in {root}: run `make demo` (dbt build, then publish) first"
        )
    manifest = json.loads((version / MANIFEST).read_text())
    return Marts(version, manifest["published_at"], dict(manifest["tables"]))
