"""Publish the marts of a built warehouse for the dashboard (Parquet, atomic swap).

Usage: .venv/bin/python scripts/publish_marts.py [--database FILE] [--out DIR]
Run it after a successful `dbt build`; `make demo` does both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from customer_segmentation import pipeline
from customer_segmentation.publish import PublishError, published_root
from customer_segmentation.settings import SettingError, duckdb_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=None,
                        help="DuckDB warehouse (default: DUCKDB_PATH or warehouse.duckdb)")
    parser.add_argument("--out", type=Path, default=None,
                        help="published root (default: PUBLISHED_MARTS_DIR or data/published)")
    args = parser.parse_args(argv)
    try:
        database = args.database or duckdb_path()
        version = pipeline.publish(database, args.out or published_root())
    except (SettingError, PublishError) as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        return 1
    print(f"published {version} (current -> {version.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
