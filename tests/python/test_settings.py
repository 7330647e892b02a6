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
        ("{incremental_lookback_days: three}", "'incremental_lookback_days' = 'three' is invalid"),
        ("{reporting_currency: dollars}", "'reporting_currency' = 'dollars' is invalid"),
        # Spliced into SQL as an identifier / as values and column names: form-checked.
        ('{bi_role: "x; drop schema marts cascade"}', "'bi_role' = 'x; drop schema marts"),
        ("{feature_channels: [web, \"x') or true --\"]}",
         "'feature_channels' has the invalid entry"),
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


def test_dbt_with_missing_duckdb_directory_names_the_setting(tmp_path: Path) -> None:
    """dbt itself (not only load_raw.py): no DuckDB traceback, the setting is named."""
    missing = tmp_path / "no_such_dir" / "wh.duckdb"
    env = pipeline.dbt_env(missing, extra={"DBT_LOG_PATH": str(tmp_path / "logs")})
    command = pipeline.dbt("run", "-s", "int_as_of_date", target_path=tmp_path / "target")
    result = subprocess.run(command, cwd=pipeline.PROJECT_ROOT, env=env, text=True,
                            capture_output=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"DUCKDB_PATH={str(missing)!r}" in output
    assert "does not exist" in output
    assert "Traceback" not in output
    assert "START sql" not in output
    assert not missing.parent.exists()  # nothing created in its place


def test_numeric_as_of_date_stops_a_full_build(tmp_path: Path) -> None:
    """YAML reads an unquoted 20240630 as a number: not a YYYY-MM-DD date, and a
    whole `dbt build` (seeds, snapshots, models) stops before anything runs."""
    result = run_dbt(tmp_path, "build", "--vars", "{as_of_date: 20240630}")
    assert result.returncode != 0
    assert "'as_of_date' = '20240630' is not a date" in result.stdout + result.stderr
    for started in ("START sql", "START python", "START seed", "START snapshot"):
        assert started not in result.stdout


def test_invalid_hash_salt_is_named_not_spliced(tmp_path: Path) -> None:
    # The salt is spliced into SQL as a string: a quote must stop the build, naming it.
    env = pipeline.dbt_env(tmp_path / "empty.duckdb",
                           extra={"CUSTOMER_HASH_SALT": "0123456789abcdef' or '1'='1"})
    command = pipeline.dbt("run", "-s", "dim_customers", target_path=tmp_path / "target")
    result = subprocess.run(command, cwd=pipeline.PROJECT_ROOT, env=env, text=True,
                            capture_output=True, check=False)
    assert result.returncode != 0
    assert "CUSTOMER_HASH_SALT is invalid" in result.stdout + result.stderr
