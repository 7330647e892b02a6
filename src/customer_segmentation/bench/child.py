"""Run one benchmark step in this process and write its measurements as JSON.

Usage: python -m customer_segmentation.bench.child SPEC.json

A fresh process per step, so that ``ru_maxrss`` is this step's peak: the
largest of this process and of every process it waited for (dbt, the
clustering), in MB. SPEC holds {"step", "args", "result"}.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from customer_segmentation.bench.steps import STEPS


def peak_mb() -> float:
    """Peak resident memory of this process or any waited-for descendant (Linux: KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text())
    start = time.perf_counter()
    outcome = STEPS[spec["step"]](**spec["args"])
    wall = time.perf_counter() - start
    result = {
        "wall_s": outcome.seconds if outcome.seconds is not None else wall,
        "peak_mb": peak_mb(),
        "rows": outcome.rows,
        "what": outcome.what,
    }
    Path(spec["result"]).write_text(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
