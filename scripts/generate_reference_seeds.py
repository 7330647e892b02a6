"""Generate the reference seeds: countries, country aliases and the occasion calendar.

    .venv/bin/python scripts/generate_reference_seeds.py            # writes seeds/
    .venv/bin/python scripts/generate_reference_seeds.py --out /tmp/seeds

Deterministic and re-runnable: the same library versions give the same bytes, and files
whose bytes did not change are left untouched. Rules: src/customer_segmentation/calendar/
and seeds/_seeds__reference.yml.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.calendar.seeds import write_reference_seeds

DEFAULT_OUT = PROJECT_ROOT / "seeds"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="seed directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    for seed in write_reference_seeds(args.out):
        print(f"{seed.name:<24} {seed.rows:>8,} rows {seed.size_bytes:>11,} bytes")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
