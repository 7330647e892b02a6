"""Invalid vars and env vars fail fast, naming the setting."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from customer_segmentation import pipeline


def run_dbt(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = pipeline.dbt_env(tmp_path / "empty.duckdb")
    command = pipeline.dbt(*args, target_path=tmp_path / "target")
    return subprocess.run(command, cwd=pipeline.PROJECT_ROOT, env=env, text=True,
                          capture_output=True, check=False)


@pytest.mark.parametrize(
    ("vars_yaml", "expected"),
    [
        ("{as_of_date: yesterday}", "'as_of_date' = 'yesterday' is not a date"),
        ("{as_of_date: '2024-02-30'}", "'as_of_date' = '2024-02-30' is not a valid calendar date"),
        ("{upcoming_horizon_days: -5}", "'upcoming_horizon_days' = '-5' is invalid"),
        ("{holdout_share: 2}", "'holdout_share' = '2' is invalid"),
        ("{reporting_currency: dollars}", "'reporting_currency' = 'dollars' is invalid"),
    ],
)
def test_invalid_var_stops_the_build_before_any_model(tmp_path: Path, vars_yaml: str,
                                                       expected: str) -> None:
    result = run_dbt(tmp_path, "run", "-s", "int_as_of_date", "--vars", vars_yaml)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
    assert "START sql" not in result.stdout  # no model started


def test_missing_duckdb_directory_is_named(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    env = pipeline.dbt_env(tmp_path / "no_such_dir" / "wh.duckdb")
    result = subprocess.run(pipeline.python_script("load_raw.py", str(raw)), env=env, text=True,
                            capture_output=True, check=False)
    assert result.returncode == 1
    assert "DUCKDB_PATH=" in result.stderr
    assert "does not exist" in result.stderr
