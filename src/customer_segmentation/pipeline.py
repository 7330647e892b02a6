"""Run the pipeline's steps (generate, load, dbt) from Python.

Shared by `make demo`, the end-to-end tests and the benchmark, so they all
exercise the same commands a user would type.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from customer_segmentation import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


class StepFailed(RuntimeError):
    """A pipeline command exited non-zero; the message holds its command and output tail."""


def dbt_env(duckdb_path: Path | None = None, target: str = "duckdb",
            extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a dbt command: profiles from the project, absolute warehouse path."""
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = str(PROJECT_ROOT)
    env["DBT_TARGET"] = target
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    if duckdb_path is not None:
        env["DUCKDB_PATH"] = str(duckdb_path)
    if extra:
        env.update(extra)
    return env


def run(command: Sequence[str], env: dict[str, str] | None = None,
        cwd: Path = PROJECT_ROOT, echo: bool = True) -> str:
    """Run a command, streaming nothing; raise StepFailed with its output on failure."""
    if echo:
        print("+ " + " ".join(command), file=sys.stderr, flush=True)
    result = subprocess.run(list(command), cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-60:])
        raise StepFailed(f"command failed ({result.returncode}): {' '.join(command)}\n{tail}")
    return result.stdout


def python_script(name: str, *args: str) -> list[str]:
    return [sys.executable, str(PROJECT_ROOT / "scripts" / name), *args]


def dbt(*args: str, target_path: Path | None = None) -> list[str]:
    """A dbt command line; a separate target path lets builds run side by side."""
    command = [str(VENV_BIN / "dbt"), *args]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    return command


def generate(out: Path, customers: int, seed: int = 42, dirty: float = 0.0,
             fmt: str = "csv", env: dict[str, str] | None = None) -> None:
    run(python_script("generate_data.py", "--out", str(out), "--customers", str(customers),
                      "--seed", str(seed), "--dirty", str(dirty), "--format", fmt), env=env)


def load(raw_dir: Path, env: dict[str, str], target: str = "duckdb") -> str:
    return run(python_script("load_raw.py", str(raw_dir), "--target", target), env=env)


def clustering_runner(target: str, dbt_vars: dict[str, Any] | None = None) -> str:
    """Where the clustering runs: the var ``clustering_runner`` or the adapter's default.

    Mirrors the ``+enabled`` expressions of models/marts/clusters in dbt_project.yml.
    """
    chosen = (dbt_vars or {}).get("clustering_runner")
    return str(chosen) if chosen else ("dbt_python" if target == "duckdb" else "script")


def build(env: dict[str, str], target: str = "duckdb", dbt_vars: dict[str, Any] | None = None,
          target_path: Path | None = None, extra_args: Sequence[str] = (),
          cwd: Path = PROJECT_ROOT, state_dir: Path | None = None) -> str:
    """``dbt build`` on ``target``, with the clustering script in between where needed.

    Where the clustering is a script (doc block ``clustering_runners``): build the
    feature mart and what it needs (with their tests), run scripts/run_clustering.py,
    then build everything (the source tables exist by then). Returns the output.

    The second build skips what the first one built and passed (Spark takes
    minutes per pass): the first build's results are copied to ``state_dir``
    (default: ``<target path>/state_before_clustering``) and excluded with
    ``result:`` selectors. Tests that
    need both a built model and a clustering table were skipped by the first
    (cautious) build, and the cautious exclusion keeps them in the second.
    """
    vars_args = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    env = {**env, "DBT_TARGET": target}
    output = ""
    if clustering_runner(target, dbt_vars) == "script":
        # build (not run): seeds are upstream too; cautious: skip tests that also
        # need the clustering tables, which do not exist yet.
        output += run(dbt("build", "-s", "+customer_cluster_features",
                          "--indirect-selection", "cautious", *vars_args, *extra_args,
                          target_path=target_path), env=env, cwd=cwd)
        output += run(python_script("run_clustering.py", "--target", target,
                                    "--vars", json.dumps(dbt_vars or {})), env=env, cwd=cwd)
        # Skip in the second build what the first built and passed (checked with
        # `dbt ls`: no test is lost). Without it PostgreSQL and Spark build and
        # test everything upstream of the feature mart twice.
        artifacts = target_path or Path(cwd) / "target"
        state_dir = state_dir or artifacts / "state_before_clustering"
        if (artifacts / "run_results.json").exists():
            state_dir.mkdir(parents=True, exist_ok=True)
            for artifact in ("manifest.json", "run_results.json"):
                shutil.copy2(artifacts / artifact, state_dir / artifact)
            extra_args = [*extra_args, "--exclude", "result:success", "result:pass",
                          "--state", str(state_dir), "--indirect-selection", "cautious"]
    output += run(dbt("build", *vars_args, *extra_args, target_path=target_path), env=env, cwd=cwd)
    return output


def publish(database: Path, root: Path | None = None) -> Path:
    """After a successful build: the marts as a new Parquet version, swapped in atomically.

    The dashboard reads only this published copy (customer_segmentation.publish).
    Returns the new version directory.
    """
    from customer_segmentation.publish import publish_marts, published_root

    return publish_marts(database, root or published_root()).path
