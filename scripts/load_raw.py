"""Load a raw-contract directory into the warehouse schema ``raw``.

Usage: .venv/bin/python scripts/load_raw.py DIR [--target duckdb|postgres|spark] [--append]

--append (DuckDB) adds the rows of the files in DIR to the raw tables instead of
replacing them (e.g. one more day of orders, for an incremental dbt build).

--target spark loads into a local Spark session whose metastore and warehouse
are in the current directory (run it where dbt's `spark` target runs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from customer_segmentation.loader import (
    LoadError,
    append_duckdb,
    load_duckdb,
    load_postgres,
    validate_directory,
)
from customer_segmentation.settings import SettingError, duckdb_path, postgres_dsn_kwargs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="raw-contract directory")
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default="duckdb")
    parser.add_argument(
        "--append", action="store_true", help="add the files' rows to the raw tables (DuckDB)"
    )
    args = parser.parse_args(argv)
    if args.append and args.target != "duckdb":
        parser.error("--append is implemented for the duckdb target only")
    console = Console(stderr=True, soft_wrap=True)
    try:
        # Settings first: a bad DUCKDB_PATH fails fast, before any file is read.
        database = duckdb_path() if args.target == "duckdb" else None
        sources = validate_directory(args.directory.resolve(), append=args.append)
        with console.status("loading") as status:
            if database is not None and args.append:
                loaded = append_duckdb(sources, database, progress=status.update)
            elif database is not None:
                loaded = load_duckdb(sources, database, progress=status.update)
            elif args.target == "spark":
                from customer_segmentation import spark_warehouse  # pyspark: make test-spark

                loaded = spark_warehouse.load_spark(
                    sources, spark_warehouse.local_session(), progress=status.update
                )
            else:
                loaded = load_postgres(sources, postgres_dsn_kwargs(), progress=status.update)
    except (LoadError, SettingError) as exc:
        console.print(f"[red]load failed:[/red] {exc}")
        return 1
    for item in loaded:
        console.print(
            f"raw.{item.table:<17} {item.rows:>11,} rows  {item.source_file or '(absent)'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
