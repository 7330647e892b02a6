"""Where a dbt step's time went, from its run_results.json (profile before optimising)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

DBT_STEPS = ("full_build", "rfm_path", "incremental_build")
SLOWEST = 12


def keep_run_results(target_path: Path, logs: Path, step: str) -> Path | None:
    """Copy the step's run_results.json (the next dbt step overwrites it)."""
    source = target_path / "run_results.json"
    if not source.exists():
        return None
    kept = logs / f"{step}.run_results.json"
    shutil.copyfile(source, kept)
    return kept


def summarise(run_results: Path) -> dict[str, Any]:
    """Seconds by resource type and the slowest nodes (execution time, summed over threads)."""
    results = json.loads(run_results.read_text())
    by_type: Counter[str] = Counter()
    nodes = []
    for item in results["results"]:
        kind, _, name = item["unique_id"].split(".", 2)
        by_type[kind] += item["execution_time"]
        nodes.append((f"{kind} {name.split('.')[0] if kind == 'test' else name}",
                      item["execution_time"]))
    slowest = sorted(nodes, key=lambda node: -node[1])[:SLOWEST]
    return {
        "dbt_elapsed_s": round(results.get("elapsed_time", 0.0), 1),
        "nodes": len(nodes),
        "seconds_by_type": {k: round(v, 1) for k, v in by_type.most_common()},
        "slowest": [[name, round(seconds, 2)] for name, seconds in slowest],
    }
