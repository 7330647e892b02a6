"""The clustering runner is chosen in four places that must agree.

dbt_project.yml cannot call macros from folder configs, so the choice
``var('clustering_runner') or (dbt_python on DuckDB, else script)`` is written
out in three ``+enabled`` expressions, and ``pipeline.clustering_runner`` repeats
it in Python (it decides whether the build runs the clustering script). This
renders each expression for every adapter and var value and checks that exactly
the folders of the runner ``pipeline.clustering_runner`` names are enabled.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
import yaml

from customer_segmentation.pipeline import clustering_runner

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"
# folder (path under models.customer_segmentation) -> runner whose models it holds
FOLDERS = {
    ("staging", "clustering"): "script",
    ("marts", "clusters", "from_script"): "script",
    ("marts", "clusters", "python"): "dbt_python",
}


def enabled_expression(folder: tuple[str, ...]) -> str:
    config: Any = yaml.safe_load(PROJECT.read_text())["models"]["customer_segmentation"]
    for part in folder:
        config = config[part]
    return str(config["+enabled"])


def render(expression: str, target_type: str, dbt_vars: dict[str, str]) -> bool:
    def var(name: str, default: Any = None) -> Any:
        return dbt_vars.get(name, default)

    text = jinja2.Environment().from_string(expression).render(
        var=var, target=SimpleNamespace(type=target_type), none=None
    )
    assert text in {"True", "False"}, f"{expression!r} rendered {text!r}"
    return text == "True"


@pytest.mark.parametrize("target_type", ["duckdb", "postgres", "spark"])
@pytest.mark.parametrize("runner_var", [None, "script", "dbt_python"])
def test_enabled_folders_follow_pipeline_runner(target_type: str, runner_var: str | None) -> None:
    dbt_vars = {} if runner_var is None else {"clustering_runner": runner_var}
    runner = clustering_runner(target_type, dbt_vars)
    for folder, holds in FOLDERS.items():
        enabled = render(enabled_expression(folder), target_type, dbt_vars)
        assert enabled == (runner == holds), (
            f"models/{'/'.join(folder)}: enabled={enabled} on {target_type} with "
            f"clustering_runner={runner_var!r}, but pipeline.clustering_runner says {runner!r}"
        )


def test_defaults_are_python_on_duckdb_and_script_elsewhere() -> None:
    assert clustering_runner("duckdb") == "dbt_python"
    assert clustering_runner("postgres") == "script"
    assert clustering_runner("spark") == "script"
