"""The benchmark's results: table, ratios, agreement checks; JSON and Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from customer_segmentation import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"

# (name, numerator step, denominator step, target: the ratio must stay at or below it)
RATIOS = (
    ("rfm_path / duckdb_query", "rfm_path", "duckdb_query", 2.0),
    ("rfm_path / pandas", "rfm_path", "pandas", None),
    # what checking the raw rows costs a hand-written query, and the path against it
    ("duckdb_validated_query / duckdb_query", "duckdb_validated_query", "duckdb_query", None),
    ("rfm_path / duckdb_validated_query", "rfm_path", "duckdb_validated_query", None),
    ("incremental_build / full_build", "incremental_build", "full_build", 0.30),
)

DESCRIPTIONS = {
    "load": "load raw Parquet (all but the last day) into DuckDB",
    "full_build": "customer_segmentation.pipeline.build: dbt build, all models, tests, clustering",
    "append": "load_raw --append: the held-out last day (orders, items, fx rates)",
    "incremental_build": "pipeline.build after the append (incremental staging, order facts, "
                         "occasion tables)",
    "rfm_path": "dbt build -s +customer_rfm --full-refresh (dbt start-up included)",
    "duckdb_query": "baseline (a): one hand-written DuckDB query, raw Parquet to RFM scores",
    "duckdb_validated_query": "baseline (c): baseline (a) with the raw contract's checks on "
                              "orders, lines and fx rates (no writes, no tests)",
    "pandas": "baseline (b): plain pandas, raw Parquet to RFM scores (rfm_reference)",
}


@dataclass(frozen=True)
class StepResult:
    step: str
    wall_s: float
    peak_mb: float
    rows: int
    what: str
    cpu_s: float = 0.0  # CPU time of the step's process tree
    cores_busy: float = 0.0  # cpu_s over the step's whole wall time


@dataclass
class BenchResult:
    meta: dict[str, Any]
    steps: list[StepResult] = field(default_factory=list)
    agreement: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, dict[str, Any]] = field(default_factory=dict)  # per dbt step

    def step(self, name: str) -> StepResult | None:
        return next((s for s in self.steps if s.step == name), None)

    def ratios(self) -> list[dict[str, Any]]:
        out = []
        for name, top, bottom, target in RATIOS:
            a, b = self.step(top), self.step(bottom)
            if a is None or b is None or b.wall_s <= 0:
                continue
            value = a.wall_s / b.wall_s
            out.append({"ratio": name, "value": round(value, 2), "target_max": target,
                        "meets_target": None if target is None else value <= target})
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "steps": [asdict(s) for s in self.steps],
            "ratios": self.ratios(),
            "agreement": self.agreement,
            "profile": self.profile,
        }


def rich_table(result: BenchResult) -> Table:
    table = Table(title=f"benchmark: {result.meta['customers']:,} customers, "
                        f"{result.meta.get('orders', 0):,} orders")
    for column in ("step", "wall s", "peak MB", "cpu s", "cores busy", "rows", "rows are"):
        table.add_column(column, justify="left" if column in ("step", "rows are") else "right")
    for s in result.steps:
        table.add_row(s.step, f"{s.wall_s:.1f}", f"{s.peak_mb:,.0f}", f"{s.cpu_s:.1f}",
                      f"{s.cores_busy:.2f}", f"{s.rows:,}", s.what)
    return table


def markdown(result: BenchResult) -> str:
    meta = result.meta
    lines = [
        f"# Benchmark: {meta['customers']:,} customers",
        "",
        f"Run {meta['started_at']} on {meta['cpus']} CPUs, {meta['memory_gb']} GB RAM "
        f"(load average at start {meta['load_average']}); commit {meta['commit']}; "
        f"seed {meta['seed']}; {meta.get('orders', 0):,} orders, "
        f"{meta.get('order_items', 0):,} order items; held-out day {meta['last_day']}.",
        f"duckdb {meta['duckdb']}, dbt-core {meta['dbt_core']}, pandas {meta['pandas']}.",
        "",
        "| step | wall s | peak MB | cpu s | cores busy | rows | rows are | what |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for s in result.steps:
        lines.append(f"| {s.step} | {s.wall_s:.1f} | {s.peak_mb:,.0f} | {s.cpu_s:.1f} "
                     f"| {s.cores_busy:.2f} | {s.rows:,} | {s.what} "
                     f"| {DESCRIPTIONS.get(s.step, '')} |")
    lines += ["", "| ratio (wall time) | value | target |", "|---|---:|---|"]
    for r in result.ratios():
        target = "" if r["target_max"] is None else f"<= {r['target_max']}"
        lines.append(f"| {r['ratio']} | {r['value']:.2f} | {target} |")
    if result.agreement:
        lines += ["", "Baselines against `marts.customer_rfm` (same data, same as_of_date):", "",
                  "| baseline | ok | customers (mart / baseline) | value mismatches "
                  "| monetary total (mart / baseline) | score / segment mismatches |",
                  "|---|---|---|---|---|---|"]
        for a in result.agreement:
            values = (a["frequency_mismatches"] + a["recency_mismatches"]
                      + a["monetary_off_by_a_cent_or_more"] + a["customers_only_in_one"])
            lines.append(
                f"| {a['baseline']} | {'yes' if a['ok'] else 'NO'} | {a['mart_customers']:,} / "
                f"{a['baseline_customers']:,} | {values} | {a['mart_monetary_total']:,.2f} / "
                f"{a['baseline_monetary_total']:,.2f} | {a['score_mismatches']} / "
                f"{a['segment_mismatches']} |"
            )
    for step, summary in result.profile.items():
        by_type = ", ".join(f"{kind} {seconds:.1f} s"
                            for kind, seconds in summary["seconds_by_type"].items())
        lines += ["", f"Where `{step}` spent its time: dbt {summary['dbt_elapsed_s']:.1f} s for "
                  f"{summary['nodes']} nodes; execution time by type (summed over threads): "
                  f"{by_type}. Slowest nodes:", ""]
        lines += [f"- {name}: {seconds:.2f} s" for name, seconds in summary["slowest"]]
    lines += ["", "Peak MB: the largest resident set of the step's process tree (ru_maxrss of a "
              "wrapper process and the processes it waited for). Baselines time their "
              "computation only; dbt steps include dbt's start-up. CPU s: user + system time "
              "of the same process tree over the whole step (a baseline's includes writing "
              "its answer); cores busy: CPU s over the step's whole wall time (at most the "
              "machine's CPUs).", ""]
    return "\n".join(lines)


def write(result: BenchResult, directory: Path = RESULTS_DIR,
          partial: bool = False) -> tuple[Path, Path]:
    """bench-<N>-customers.{json,md}; a run of some steps only never replaces a full one."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"bench-{result.meta['customers']}-customers" + ("-partial" if partial else "")
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(result.as_dict(), indent=2, default=str) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path
