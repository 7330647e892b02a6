"""Documentation: 100% coverage, the static docs site in a browser, and exposures.

One `dbt docs generate --static` on the session warehouse (its own target path)
feeds every check here: dbt-coverage for column docs, our own check
(customer_segmentation.docs_coverage) for models, sources, seeds, exposures,
macros and shared doc blocks, and headless Chromium on static_index.html.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import chromium, save_screenshot, wait_for

from customer_segmentation import docs_coverage, pipeline
from customer_segmentation.dashboard.app import MARTS_READ

DOCS_MART = "customer_rfm"


@dataclass(frozen=True)
class DocsSite:
    target_path: Path
    manifest: dict[str, Any]
    catalog: dict[str, Any]


@pytest.fixture(scope="module")
def docs_site(warehouse) -> DocsSite:
    """`dbt docs generate --static` on the session-built warehouse, in its target path."""
    pipeline.run(pipeline.dbt("docs", "generate", "--static", target_path=warehouse.target_path),
                 env=warehouse.env)
    target = warehouse.target_path
    return DocsSite(target, json.loads((target / "manifest.json").read_text()),
                    json.loads((target / "catalog.json").read_text()))


# --- unit tests of the checks themselves ------------------------------------------------


def test_macro_signature_reads_arguments_and_defaults() -> None:
    sql = "{% macro safe_cast_decimal(expression, precision=18, cols=[a, b]) -%} x {%- endmacro %}"
    assert docs_coverage.macro_signature(sql) == ["expression", "precision", "cols"]
    assert docs_coverage.macro_signature("{%- test accepted_range(model, column_name) %}") == [
        "model", "column_name"]
    assert docs_coverage.macro_signature("{% macro type_double() %}") == []


def _macro(name: str, description: str = "", arguments: list[dict[str, str]] | None = None,
           signature: str = "") -> tuple[str, dict[str, Any]]:
    return f"macro.customer_segmentation.{name}", {
        "name": name, "package_name": "customer_segmentation", "description": description,
        "arguments": arguments or [], "original_file_path": "macros/x.sql",
        "macro_sql": f"{{% macro {name}({signature}) %}}{{% endmacro %}}",
    }


def test_macro_gaps_name_each_missing_piece() -> None:
    manifest = {"macros": dict([
        _macro("documented", "does x", [{"name": "a", "description": "the a"}], "a"),
        _macro("postgres__documented", "", [], "a"),  # covered by its dispatcher
        _macro("undocumented", "", [], "a"),
        _macro("partly", "does y", [{"name": "a", "description": ""}], "a, b"),
        _macro("stale", "does z", [{"name": "old", "description": "gone"}], ""),
        _macro("postgres__orphan", "", [], ""),  # no documented dispatcher
    ])}
    gaps = docs_coverage.macro_gaps(manifest)
    assert gaps == [
        "macro partly (macros/x.sql): argument 'a' has no description",
        "macro partly (macros/x.sql): argument 'b' not documented",
        "macro postgres__orphan (macros/x.sql): no description (add it to a macros yml beside it)",
        "macro stale (macros/x.sql): documented argument 'old' is not in its signature",
        "macro undocumented (macros/x.sql): no description (add it to a macros yml beside it)",
    ]


def test_shared_definition_gaps_catch_restated_definitions() -> None:
    manifest = {
        "docs": {"doc.customer_segmentation.rfm_segment": {
            "name": "rfm_segment", "package_name": "customer_segmentation",
            "block_contents": "Named segment of the cell."}},
        "nodes": {
            "model.customer_segmentation.good": {
                "name": "good", "package_name": "customer_segmentation",
                "resource_type": "model", "schema": "marts", "original_file_path": "g.sql",
                "columns": {"rfm_segment": {"description": "Named segment of the cell. More."}}},
            "model.customer_segmentation.bad": {
                "name": "bad", "package_name": "customer_segmentation",
                "resource_type": "model", "schema": "marts", "original_file_path": "b.sql",
                "columns": {"rfm_segment": {"description": "The segment."}}},
        },
    }
    gaps = docs_coverage.shared_definition_gaps(
        manifest, {"rfm_segment": ("rfm_segment",), "net_amount": ()})
    assert gaps == [
        "doc block 'net_amount' is missing (shared definitions live in doc blocks)",
        "model bad (b.sql): column rfm_segment does not use doc block 'rfm_segment' "
        "(write {{ doc('rfm_segment') }})",
    ]


# --- the project -------------------------------------------------------------------------


@pytest.mark.e2e
def test_every_column_is_documented(docs_site: DocsSite) -> None:
    """dbt-coverage over the catalog: every column of every model, seed and source."""
    report = docs_site.target_path / "doc-coverage.json"
    result = subprocess.run(
        [str(pipeline.VENV_BIN / "dbt-coverage"), "compute", "doc",
         "--run-artifacts-dir", str(docs_site.target_path), "--cov-report", str(report),
         "--cov-fail-under", "1.0"],
        cwd=pipeline.PROJECT_ROOT, capture_output=True, text=True, check=False)
    below = [line for line in result.stdout.splitlines()
             if re.search(r"\d+/\d+\s+\d+\.\d%$", line) and not line.endswith("100.0%")]
    assert result.returncode == 0 and not below, (
        "column documentation below 100% (dbt-coverage):\n" + "\n".join(below)
        + f"\n{result.stderr[-1500:]}")
    covered = json.loads(report.read_text())
    assert covered["covered"] == covered["total"] > 0


@pytest.mark.e2e
def test_every_model_source_seed_exposure_and_macro_is_documented(docs_site: DocsSite) -> None:
    gaps = docs_coverage.node_gaps(docs_site.manifest) + docs_coverage.macro_gaps(
        docs_site.manifest)
    assert not gaps, f"{len(gaps)} documentation gaps:\n" + "\n".join(gaps)


@pytest.mark.e2e
def test_shared_definitions_are_doc_blocks_used_by_the_marts(docs_site: DocsSite) -> None:
    gaps = docs_coverage.shared_definition_gaps(docs_site.manifest)
    assert not gaps, "\n".join(gaps)


@pytest.mark.e2e
def test_exposures_end_lineage_at_the_dashboard_and_the_campaign_export(
        docs_site: DocsSite) -> None:
    nodes = docs_site.manifest["nodes"]
    exposures = {e["name"]: e for e in docs_site.manifest["exposures"].values()}
    assert {"segment_dashboard", "campaign_export"} <= set(exposures), sorted(exposures)
    for exposure in exposures.values():
        for upstream in exposure["depends_on"]["nodes"]:
            assert nodes[upstream]["schema"] == "marts", (
                f"exposure {exposure['name']} depends on {upstream}, not a mart")
    dashboard = {nodes[u]["name"] for u in exposures["segment_dashboard"]["depends_on"]["nodes"]}
    missing = sorted(set(MARTS_READ) - dashboard)
    assert not missing, (f"the dashboard reads {missing}, missing from the depends_on of "
                         "exposure segment_dashboard")
    export = {nodes[u]["name"] for u in exposures["campaign_export"]["depends_on"]["nodes"]}
    assert "campaign_audience" in export


@pytest.mark.e2e
def test_static_docs_site_renders_lineage_and_mart_column_docs(docs_site: DocsSite) -> None:
    page = docs_site.target_path / "static_index.html"
    node = docs_site.manifest["nodes"][f"model.customer_segmentation.{DOCS_MART}"]
    with chromium() as driver:
        driver.get(f"{page.as_uri()}#!/model/{node['unique_id']}")
        # Column docs: every column of the mart with the start of its rendered description.
        text = wait_for(lambda: _columns_text(driver), 60, f"the columns of {DOCS_MART}")
        for column in node["columns"].values():
            assert column["name"] in text, f"column {column['name']} not shown"
            start = re.sub(r"[`*_]", "", column["description"]).strip()[:10]
            assert start in text.replace("_", ""), (
                f"description of {column['name']} not rendered ({start!r})")
        save_screenshot(driver, "docs_mart_columns")
        # Lineage graph: the launcher opens the cytoscape graph, drawn on canvases.
        driver.find_element("css selector", "a[title='View Lineage Graph']").click()
        painted = wait_for(lambda: _painted_pixels(driver), 30, "the lineage graph to draw")
        assert painted > 500, f"lineage canvas nearly empty ({painted} painted pixels)"
        save_screenshot(driver, "docs_lineage")


def _columns_text(driver: Any) -> str | None:
    sections = driver.find_elements("css selector", "column-details table")
    text = sections[0].text if sections else ""
    return text if "COLUMN" in text.upper() and "DESCRIPTION" in text.upper() else None


def _painted_pixels(driver: Any) -> int:
    return int(driver.execute_script("""
        const canvas = document.querySelector('#cy canvas[data-id="layer2-node"]');
        if (!canvas || !canvas.width) return 0;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted;
    """))
