"""Import the UCI "Online Retail" export as raw-contract CSV files.

    .venv/bin/python scripts/import_online_retail.py --out data/raw/online_retail

Mapping rules: docs/online_retail_mapping.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from customer_segmentation.online_retail import SHARED_EXPORT, import_online_retail

DEFAULT_SRC = SHARED_EXPORT


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="the export (.csv/.csv.gz)")
    parser.add_argument("--out", type=Path, required=True, help="directory for the contract CSVs")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    result = import_online_retail(args.src, args.out)
    seconds = time.perf_counter() - started
    for table, rows in vars(result).items():
        print(f"{table:<12} {rows:>8,} rows")
    print(f"wrote {args.out} in {seconds:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
