"""Table-by-table comparison of two DuckDB warehouses (incremental vs full builds)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def build_time_columns(target_path: Path) -> dict[str, set[str]]:
    """Columns marked meta.build_time per model: they record the build, not the data."""
    manifest = json.loads((target_path / "manifest.json").read_text())
    columns: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for name, column in node["columns"].items():
            if (column.get("meta") or {}).get("build_time") or (
                column.get("config", {}).get("meta") or {}
            ).get("build_time"):
                columns.setdefault(node["name"], set()).add(name)
    return columns


def differences(left: Path, right: Path, schema: str, table: str, skip: set[str]) -> list[str]:
    """Rows in one table and not the other (as multisets), described; [] when equal."""
    con = duckdb.connect()
    con.execute(f"attach '{left}' as l (read_only)")
    con.execute(f"attach '{right}' as r (read_only)")
    columns = [
        (name, data_type)
        for name, data_type in con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = 'l' and table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, table],
        ).fetchall()
        if name not in skip
    ]
    # Floating-point averages depend on the order rows are summed in, which differs
    # between an incremental and a full build (1e-11 seen in segment_summary):
    # doubles are compared to 6 decimals, everything else exactly.
    listed = ", ".join(
        f'round("{name}", 6) as "{name}"' if data_type in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, data_type in columns
    )
    found = []
    for a, b in (("l", "r"), ("r", "l")):
        [(count,)] = con.execute(
            f"select count(*) from (select {listed} from {a}.{schema}.{table} "
            f"except all select {listed} from {b}.{schema}.{table})"
        ).fetchall()
        if count:
            sample = con.execute(
                f"select {listed} from {a}.{schema}.{table} except all "
                f"select {listed} from {b}.{schema}.{table} limit 3"
            ).fetchall()
            found.append(f"{schema}.{table}: {count} rows only in {a}, e.g. {sample}")
    return found


def mart_tables(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by table_name").fetchall()]
