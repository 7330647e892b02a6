"""The scale benchmark (`make bench`): full, RFM-only and incremental dbt builds
against a hand-written DuckDB query and plain pandas, on the same generated data.

Usage: .venv/bin/python scripts/bench.py [--customers N] [--seed S] [--steps a,b]

The data set (Parquet, raw contract) is generated once per size and seed and
cached in bench/data/ (about 11.8 orders per customer); results go to
bench/results/bench-<N>-customers.{json,md}. Each step runs in its own process,
so its peak memory is its own. README, "Benchmark".
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from customer_segmentation.bench import runner
from customer_segmentation.bench.report import DESCRIPTIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000,
                        help="customers to generate (default 1,000,000: ~11.8M orders)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--steps", type=lambda text: text.split(","), default=None,
                        help="comma-separated subset; runs in this order: "
                        + ",".join(runner.STEP_ORDER))
    args = parser.parse_args(argv)
    if args.customers < 100:
        parser.error("--customers must be at least 100")
    if args.steps and (unknown := set(args.steps) - set(DESCRIPTIONS)):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    # Steps run in the benchmark's order (runner.STEP_ORDER), whatever order they are named in.
    ordered = [step for step in runner.STEP_ORDER if args.steps and step in args.steps]
    if args.steps and (missing := runner.missing_prerequisites(ordered)):
        needs = "; ".join(f"{step} needs {', '.join(absent)} before it"
                          for step, absent in missing.items())
        parser.error(f"{needs} (a run starts from an empty warehouse)")
    return runner.run(args.customers, args.seed, Console(), args.steps)


if __name__ == "__main__":
    sys.exit(main())
