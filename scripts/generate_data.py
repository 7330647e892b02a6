"""Write a synthetic raw-contract directory (see README, "Raw contract")."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from customer_segmentation.generator import GeneratorConfig, generate


def parse_args(argv: list[str] | None = None) -> GeneratorConfig:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--dirty", type=float, default=0.0, help="share of rows per table given a fault (e.g. 0.02)"
    )
    p.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv")
    p.add_argument("--start-date", type=date.fromisoformat, default=date(2023, 7, 1))
    p.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 6, 30))
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    a = p.parse_args(argv)
    try:
        return GeneratorConfig(
            out=a.out,
            customers=a.customers,
            seed=a.seed,
            dirty=a.dirty,
            fmt=a.fmt,
            start_date=a.start_date,
            end_date=a.end_date,
            show_progress=not a.no_progress,
        )
    except ValueError as exc:
        p.error(str(exc))
        raise  # unreachable: p.error exits


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    generate(cfg)
    print(f"wrote {cfg.fmt} tables for {cfg.customers} customers to {cfg.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
