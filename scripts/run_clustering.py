"""Cluster customers where dbt cannot run Python: feature mart in, source `clustering` out.

Usage: .venv/bin/python scripts/run_clustering.py [--target duckdb|postgres|spark] [--vars YAML]

Run it after `dbt run -s +customer_cluster_features` and before `dbt build`
(customer_segmentation.pipeline.build does this for you). --vars takes the same
value as dbt's, so the clustering sees the vars dbt sees.
"""

from __future__ import annotations

import argparse
import sys

import yaml
from rich.console import Console

from customer_segmentation.clustering.warehouse import run_clustering
from customer_segmentation.settings import SettingError, duckdb_path, postgres_dsn_kwargs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default="duckdb")
    parser.add_argument("--vars", default="{}", help="dbt vars as YAML/JSON, as for dbt")
    args = parser.parse_args(argv)
    console = Console(stderr=True, soft_wrap=True)
    try:
        cli_vars = yaml.safe_load(args.vars) or {}
        if not isinstance(cli_vars, dict):
            raise SettingError(f"--vars {args.vars!r}: expected a mapping, e.g. '{{cluster_k: 8}}'")
        database = duckdb_path() if args.target == "duckdb" else None
        with console.status("clustering"):
            tables = run_clustering(args.target, cli_vars, database, postgres_dsn_kwargs())
    except (SettingError, ValueError, yaml.YAMLError) as exc:
        console.print(f"[red]clustering failed:[/red] {exc}")
        return 1
    run = tables["cluster_runs"].iloc[0]
    console.print(
        f"clustered {int(run['n_customers']):,} customers into k={int(run['k'])} "
        f"({run['k_chosen_by']}) in {run['duration_seconds']:.1f}s; "
        "wrote clustering.customer_clusters, cluster_profiles, cluster_runs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
