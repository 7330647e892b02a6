"""One benchmark run: data (cached), then each step in a child process, checks, report."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.bench import checks, data, profile, report


class BenchFailed(RuntimeError):
    """A step failed; the message names it and ends with its log's tail."""


@dataclass(frozen=True)
class Workspace:
    """Where one run writes: its warehouse, dbt target and logs, baseline answers."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def target_path(self) -> Path:
        return self.root / "target"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def answer(self, step: str) -> Path:
        return self.root / f"{step}.parquet"

    def reset(self) -> None:
        """A fresh warehouse for every run (the data set itself stays cached)."""
        for path in (self.database, self.root / "warehouse.duckdb.wal"):
            path.unlink(missing_ok=True)
        for directory in (self.target_path, self.logs):
            shutil.rmtree(directory, ignore_errors=True)
        self.logs.mkdir(parents=True, exist_ok=True)


# What a step needs an earlier step of the same run to have done: a run starts
# from an empty warehouse, and `dbt build -s +customer_rfm` also runs the tests
# of the marts it does not build (dbt's eager test selection).
PREREQUISITES: dict[str, tuple[str, ...]] = {
    "full_build": ("load",),
    "rfm_path": ("load", "full_build"),
    "append": ("load",),
    "incremental_build": ("load", "full_build", "append"),
}


def missing_prerequisites(steps: list[str]) -> dict[str, list[str]]:
    """For each step of ``steps``, the steps it needs that do not come before it."""
    missing: dict[str, list[str]] = {}
    for position, step in enumerate(steps):
        absent = [need for need in PREREQUISITES.get(step, ()) if need not in steps[:position]]
        if absent:
            missing[step] = absent
    return missing


def step_plan(bench: data.BenchData, ws: Workspace,
              steps: list[str] | None = None) -> list[tuple[str, dict[str, str]]]:
    """The steps to run (all, or those named in ``steps``), in this order.

    The incremental build comes right after the full build and the append: the
    RFM path's --full-refresh rewrites the order facts, which would make the next
    incremental build recompute every per-order occasion row. The RFM path and the
    baselines then run on the same data: everything when the day was appended.
    """
    chosen = [step for step in STEP_ORDER if steps is None or step in steps]
    scored = bench.full if "append" in chosen else bench.base
    dbt_args = {"database": str(ws.database), "target_path": str(ws.target_path),
                "log_path": str(ws.logs)}
    args = {
        "load": {"raw_dir": str(bench.base), "database": str(ws.database)},
        "full_build": dbt_args,
        "append": {"raw_dir": str(bench.append), "database": str(ws.database)},
        "incremental_build": dbt_args,
        "rfm_path": dbt_args,
        "duckdb_query": {"raw_dir": str(scored), "out": str(ws.answer("duckdb_query"))},
        "duckdb_validated_query": {"raw_dir": str(scored),
                                   "out": str(ws.answer("duckdb_validated_query"))},
        "pandas": {"raw_dir": str(scored), "out": str(ws.answer("pandas"))},
    }
    return [(step, args[step]) for step in chosen]


STEP_ORDER = ("load", "full_build", "append", "incremental_build", "rfm_path", "duckdb_query",
              "duckdb_validated_query", "pandas")


def run_step(step: str, args: dict[str, str], ws: Workspace) -> report.StepResult:
    """The step in a wrapper process; its output goes to logs/<step>.log."""
    spec, result = ws.logs / f"{step}.spec.json", ws.logs / f"{step}.result.json"
    spec.write_text(json.dumps({"step": step, "args": args, "result": str(result)}))
    log = ws.logs / f"{step}.log"
    with log.open("w") as handle:
        code = subprocess.run(
            [sys.executable, "-m", "customer_segmentation.bench.child", str(spec)],
            cwd=PROJECT_ROOT, stdout=handle, stderr=subprocess.STDOUT, check=False,
        ).returncode
    if code != 0 or not result.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise BenchFailed(f"step {step} failed (exit {code}); log {log}:\n{tail}")
    measured = json.loads(result.read_text())
    return report.StepResult(step, round(measured["wall_s"], 2), round(measured["peak_mb"], 1),
                             measured["rows"], measured["what"], round(measured["cpu_s"], 1),
                             round(measured["cores_busy"], 2))


# The baselines whose answers are checked against customer_rfm.
BASELINES = ("duckdb_query", "duckdb_validated_query", "pandas")


def agreement(ws: Workspace, baselines: list[str]) -> list[dict[str, Any]]:
    mart = checks.mart_rfm(ws.database)
    return [
        checks.compare(name, pd.read_parquet(ws.answer(name)), mart).as_dict()
        for name in baselines
    ]


def machine_meta(bench: data.BenchData) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=False).stdout.strip()
    if commit and changed:
        commit += " with uncommitted changes"
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return {
        "customers": bench.customers,
        "seed": bench.seed,
        "orders": bench.rows.get("base.orders", 0) + bench.rows.get("append.orders", 0),
        "order_items": bench.rows.get("base.order_items", 0)
        + bench.rows.get("append.order_items", 0),
        "held_out_rows": {k: v for k, v in bench.rows.items() if k.startswith("append.")},
        "last_day": bench.last_day,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "memory_gb": round(pages * page_size / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "dbt_core": version("dbt-core"),
        "pandas": version("pandas"),
        "commit": commit or "unknown",
        "duckdb_memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "profile default"),
    }


def run(customers: int, seed: int, console: Console, steps: list[str] | None = None,
        data_root: Path = data.DATA_ROOT, results_dir: Path = report.RESULTS_DIR) -> int:
    """The whole benchmark; returns the exit status (non-zero: a step or a check failed)."""
    cached = data.load_cached(data.data_dir(customers, seed, data_root))
    if cached is None:
        console.print(f"generating {customers:,} customers (seed {seed}) once; cached in "
                      f"{data.data_dir(customers, seed, data_root)}")
    bench = cached or data.prepare(customers, seed, data_root)
    ws = Workspace(bench.root / "run")
    ws.reset()
    result = report.BenchResult(machine_meta(bench))
    plan = step_plan(bench, ws, steps)
    status = 0
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console) as progress:
        overall = progress.add_task("benchmark", total=len(plan))
        for step, args in plan:
            task = progress.add_task(f"{step}: {report.DESCRIPTIONS[step]}", total=1)
            try:
                measured = run_step(step, args, ws)
            except BenchFailed as exc:
                progress.stop()
                console.print(f"[red]{exc}[/red]")
                return 1
            progress.update(task, completed=1,
                            description=f"{step}: {measured.wall_s:.1f} s, "
                                        f"{measured.peak_mb:,.0f} MB")
            progress.advance(overall)
            result.steps.append(measured)
            if step in profile.DBT_STEPS:
                kept = profile.keep_run_results(ws.target_path, ws.logs, step)
                if kept is not None:
                    result.profile[step] = profile.summarise(kept)
            built = result.step("full_build") or result.step("rfm_path")
            if step == "pandas" and result.step("duckdb_query") and built:
                result.agreement = agreement(
                    ws, [s.step for s in result.steps if s.step in BASELINES])
    console.print(report.rich_table(result))
    for ratio in result.ratios():
        target = "" if ratio["target_max"] is None else f"  (target <= {ratio['target_max']})"
        console.print(f"{ratio['ratio']:<40} {ratio['value']:>6.2f}{target}")
    for item in result.agreement:
        mark = "[green]agrees[/green]" if item["ok"] else "[red]DISAGREES[/red]"
        console.print(f"{item['baseline']:<22} vs customer_rfm: {mark} "
                      f"({item['baseline_customers']:,} customers; monetary total "
                      f"{item['baseline_monetary_total']:,.2f} vs "
                      f"{item['mart_monetary_total']:,.2f})")
        if not item["ok"]:
            console.print(item)
            status = 1
    json_path, md_path = report.write(result, results_dir, partial=steps is not None)
    console.print(f"results: {json_path} {md_path}")
    return status
