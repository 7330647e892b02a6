"""Run one benchmark step in this process and write its measurements as JSON.

Usage: python -m customer_segmentation.bench.child SPEC.json

A fresh process per step, so that ``ru_maxrss`` is this step's peak: the
largest of this process and of every process it waited for (dbt, the
clustering), in MB. SPEC holds {"step", "args", "result"}.

The CPU time of the same process tree, against the step's whole wall time, tells
how busy the cores were: a 2-core build that averages 1.3 cores waits somewhere
(one long single-threaded node, a serial chain of small queries).
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


def cpu_seconds() -> float:
    """User + system CPU time of this process and of every waited-for descendant."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text())
    start, cpu_start = time.perf_counter(), cpu_seconds()
    outcome = STEPS[spec["step"]](**spec["args"])
    wall = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_start
    result = {
        "wall_s": outcome.seconds if outcome.seconds is not None else wall,
        "peak_mb": peak_mb(),
        "cpu_s": cpu,
        # Over the whole call: a baseline's wall_s times its computation only.
        "cores_busy": cpu / wall if wall > 0 else 0.0,
        "rows": outcome.rows,
        "what": outcome.what,
    }
    Path(spec["result"]).write_text(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
