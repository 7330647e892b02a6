"""Documentation gaps dbt-coverage does not look at: node and macro descriptions.

dbt-coverage (``dbt-coverage compute doc``) measures column documentation from
the manifest and the catalog. This module checks the rest of the rule "100% of
models, sources, seeds, macros and columns documented" on the same manifest:

- every model, seed, snapshot, source table and exposure of the project has a
  description;
- every macro has a description and every argument of its signature is listed
  with a description. Adapter implementations (``postgres__safe_cast_date``) are
  covered by their documented dispatcher (``safe_cast_date``): they share its
  contract and differ only in engine syntax;
- shared definitions are written once: each named doc block exists, and every
  mart column that carries the definition uses the block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

PROJECT = "customer_segmentation"
DOCUMENTED_NODE_TYPES = ("model", "seed", "snapshot")
ADAPTER_PREFIXES = ("default", "duckdb", "postgres", "spark")

# Definitions that must exist once, as doc blocks, and which mart columns carry them.
SHARED_DEFINITIONS: dict[str, tuple[str, ...]] = {
    "net_amount": ("net_amount",),
    "qualifying_order": (),
    "as_of_date": ("as_of_date",),
    "rfm_scoring": (),
    "rfm_segment": ("rfm_segment",),
    "lifecycle_stage": ("lifecycle_stage",),
    "value_tier": ("value_tier",),
    "occasion_persona": ("occasion_persona",),
}

_MACRO_SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\((.*?)\)\s*-?%\}", re.S)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _where(node: Mapping[str, Any]) -> str:
    return str(node.get("original_file_path") or node.get("path") or "?")


def node_gaps(manifest: Mapping[str, Any], project: str = PROJECT) -> list[str]:
    """Models, seeds, snapshots, source tables and exposures with no description."""
    gaps = []
    for node in manifest["nodes"].values():
        if node["package_name"] != project or node["resource_type"] not in DOCUMENTED_NODE_TYPES:
            continue
        if _blank(node.get("description")):
            gaps.append(f"{node['resource_type']} {node['name']} ({_where(node)}): no description")
    for source in manifest["sources"].values():
        if source["package_name"] != project:
            continue
        if _blank(source.get("description")):
            gaps.append(
                f"source {source['source_name']}.{source['name']} ({_where(source)}): "
                "no description"
            )
    for exposure in manifest.get("exposures", {}).values():
        if exposure["package_name"] == project and _blank(exposure.get("description")):
            gaps.append(f"exposure {exposure['name']} ({_where(exposure)}): no description")
    return sorted(gaps)


def macro_signature(macro_sql: str) -> list[str]:
    """Argument names of a macro's definition (``{% macro f(a, b=1) %}`` -> [a, b])."""
    match = _MACRO_SIGNATURE.search(macro_sql)
    if not match or not match.group(2).strip():
        return []
    names = []
    depth = 0
    current = ""
    # Split on top-level commas only: defaults may be lists or calls (`cols=[a, b]`).
    for char in match.group(2):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [name.split("=")[0].strip() for name in names if name.strip()]


def _dispatcher(name: str, documented: set[str]) -> str | None:
    for prefix in ADAPTER_PREFIXES:
        if name.startswith(f"{prefix}__") and name[len(prefix) + 2:] in documented:
            return name[len(prefix) + 2:]
    return None


def macro_gaps(manifest: Mapping[str, Any], project: str = PROJECT) -> list[str]:
    """Macros without a description, and signature arguments missing from their docs."""
    macros = [m for m in manifest["macros"].values() if m["package_name"] == project]
    documented = {m["name"] for m in macros if not _blank(m.get("description"))}
    gaps = []
    for macro in macros:
        where = f"macro {macro['name']} ({_where(macro)})"
        if macro["name"] not in documented:
            if _dispatcher(macro["name"], documented) is None:
                gaps.append(f"{where}: no description (add it to a macros yml beside it)")
            continue
        described = {
            arg["name"]: arg.get("description") for arg in macro.get("arguments", [])
        }
        for arg in macro_signature(macro.get("macro_sql", "")):
            if arg not in described:
                gaps.append(f"{where}: argument {arg!r} not documented")
            elif _blank(described[arg]):
                gaps.append(f"{where}: argument {arg!r} has no description")
        for arg in described:
            if arg not in macro_signature(macro.get("macro_sql", "")):
                gaps.append(f"{where}: documented argument {arg!r} is not in its signature")
    return sorted(gaps)


def shared_definition_gaps(
    manifest: Mapping[str, Any],
    definitions: Mapping[str, Iterable[str]] | None = None,
    project: str = PROJECT,
) -> list[str]:
    """Missing shared doc blocks, and mart columns that restate them instead of using them."""
    definitions = SHARED_DEFINITIONS if definitions is None else definitions
    blocks = {
        doc["name"]: doc["block_contents"].strip()
        for doc in manifest["docs"].values()
        if doc["package_name"] == project
    }
    gaps = []
    for block, columns in definitions.items():
        if block not in blocks:
            gaps.append(f"doc block {block!r} is missing (shared definitions live in doc blocks)")
            continue
        for node in manifest["nodes"].values():
            if (node["package_name"] != project or node["resource_type"] != "model"
                    or node.get("schema") != "marts"):
                continue
            for column in columns:
                doc = node["columns"].get(column)
                if doc is not None and blocks[block] not in (doc.get("description") or ""):
                    gaps.append(
                        f"model {node['name']} ({_where(node)}): column {column} does not use "
                        f"doc block {block!r} (write {{{{ doc('{block}') }}}})"
                    )
    return sorted(gaps)
