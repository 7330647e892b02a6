"""Run the pipeline's steps (generate, load, dbt) from Python.

Shared by `make demo`, the end-to-end tests and the benchmark, so they all
exercise the same commands a user would type.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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
