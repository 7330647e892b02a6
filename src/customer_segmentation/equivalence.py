"""Compare the marts of two builds of the same data on different engines.

The reference is a DuckDB build; the other side is any engine that can hand
back rows as Python values (Spark here). Rows are matched on each mart's
primary key (its `unique` / `unique_combination_of_columns` test in the
manifest) and compared cell by cell:

- decimals (money, 2 places): equal to the cent;
- other numbers: equal to 1e-9, relative for large values (float summation order
  differs between engines, nothing else may);
- everything else exactly; columns whose yml meta flags them as differing by
  design (RUN_SPECIFIC_META: a run's duration, which runner made it) only for presence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

MARTS_SCHEMA = "marts"
CENT = Decimal("0.005")
FLOAT_TOLERANCE = 1e-9

Rows = tuple[list[str], list[dict[str, Any]]]
RowReader = Callable[[str], Rows]


@dataclass
class MartComparison:
    """Outcome for one mart: rows compared and the problems found (empty = equal)."""

    name: str
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems


def load_manifest(target_path: Path) -> dict[str, Any]:
    return json.loads((target_path / "manifest.json").read_text())


def mart_models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Enabled models in schema marts, by name."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["schema"] == MARTS_SCHEMA
        and node["config"].get("enabled", True)
    }


def primary_keys(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Per model, the columns of its primary-key test."""
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        meta = node["test_metadata"]
        model = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        if meta["name"] == "unique" and node.get("column_name"):
            keys.setdefault(model, [node["column_name"]])
        elif meta["name"] == "unique_combination_of_columns":
            keys[model] = list(meta["kwargs"]["combination_of_columns"])
    return keys


# Column meta flags (yml) of values that differ by design between two builds:
# build_time (e.g. a run's duration), engine_specific (which runner made it).
RUN_SPECIFIC_META = ("run_specific", "build_time", "engine_specific")


def run_specific_columns(node: dict[str, Any]) -> set[str]:
    """Columns documented as differing by design between builds (see RUN_SPECIFIC_META)."""
    found = set()
    for name, column in node["columns"].items():
        meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
        if any(meta.get(flag) is True for flag in RUN_SPECIFIC_META):
            found.add(name)
    return found


def sort_key(row: dict[str, Any], key: Iterable[str]) -> tuple:
    # None first, then the value as text: engines collate differently, so sort here.
    return tuple((row[c] is not None, str(row[c])) for c in key)


def cells_equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):  # True == 1 in Python
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return abs(left - right) < CENT
    if isinstance(left, int | float | Decimal) and isinstance(right, int | float | Decimal):
        a, b = float(left), float(right)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    if isinstance(left, datetime) and isinstance(right, datetime):
        return left == right
    if isinstance(left, date) and isinstance(right, date):
        return left == right
    return left == right


def compare_mart(
    name: str, key: list[str], skip: set[str], reference: Rows, other: Rows, engine: str
) -> MartComparison:
    """One mart: same columns, same row count, same keys, equal cells."""
    result = MartComparison(name)
    ref_columns, ref_rows = reference
    other_columns, other_rows = other
    if ref_columns != other_columns:
        result.problems.append(
            f"{name}: columns differ: duckdb {ref_columns} vs {engine} {other_columns}"
        )
        return result
    if len(ref_rows) != len(other_rows):
        result.problems.append(
            f"{name}: {len(ref_rows)} rows on DuckDB, {len(other_rows)} on {engine}"
        )
        return result
    if not ref_rows:
        result.problems.append(f"{name}: empty on DuckDB, nothing to compare (data too small?)")
        return result
    ref_rows = sorted(ref_rows, key=lambda r: sort_key(r, key))
    other_rows = sorted(other_rows, key=lambda r: sort_key(r, key))
    compared = [c for c in ref_columns if c not in skip]
    mismatches = [
        f"{name} {({c: d[c] for c in key})} column {column}: "
        f"duckdb {d[column]!r} vs {engine} {o[column]!r}"
        for d, o in zip(ref_rows, other_rows, strict=True)
        for column in compared
        if not cells_equal(d[column], o[column])
    ]
    result.rows = len(ref_rows)
    result.problems.extend(mismatches[:5])
    if len(mismatches) > 5:
        result.problems.append(f"{name}: ... {len(mismatches) - 5} more differing cells")
    return result


def compare_marts(
    manifest: dict[str, Any], read_reference: RowReader, read_other: RowReader, engine: str
) -> list[MartComparison]:
    """Every mart of the reference build's manifest, compared with the other engine's."""
    marts = mart_models(manifest)
    if not marts:
        return [MartComparison("(none)", problems=["no models in schema marts in the manifest"])]
    keys = primary_keys(manifest)
    results = []
    for name in sorted(marts):
        key = keys.get(name)
        if not key:
            results.append(MartComparison(name, problems=[f"{name}: no primary-key test"]))
            continue
        try:
            other = read_other(name)
        except Exception as exc:  # an engine error names the mart, the rest still compare
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            results.append(MartComparison(name, problems=[f"{name}: cannot read: {first}"]))
            continue
        results.append(
            compare_mart(
                name, key, run_specific_columns(marts[name]), read_reference(name), other, engine
            )
        )
    return results


def duckdb_reader(database: Path, schema: str = MARTS_SCHEMA) -> RowReader:
    """Rows of ``schema.<table>`` from a DuckDB file, as Python values."""
    import duckdb

    def read(table: str) -> Rows:
        with duckdb.connect(str(database), read_only=True) as con:
            result = con.execute(f'select * from {schema}."{table}"')
            columns = [d[0] for d in result.description]
            return columns, [dict(zip(columns, r, strict=True)) for r in result.fetchall()]

    return read
