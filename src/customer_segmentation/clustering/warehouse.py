"""The script path of the clustering: read the feature mart, write the source tables.

Used where dbt cannot run Python models (PostgreSQL, Spark), and on DuckDB with
``--vars '{clustering_runner: script}'`` (which the tests use to prove both paths
give the same tables). ``scripts/run_clustering.py`` is its command line; the
algorithm is ``runner.outputs_for``, which fits as the dbt Python models'
``runner.outputs_for_relation`` does.

Tables are replaced in one transaction, so downstream models never see a mix of
two runs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.clustering.runner import (
    AS_OF_COLUMN,
    FEATURES_MODEL,
    PARAM_VARS,
    outputs_for,
    params_from_vars,
)

SOURCE_SCHEMA = "clustering"  # the dbt source `clustering` (models/staging/clustering)
MARTS_SCHEMA = "marts"
TEXT_COLUMNS = frozenset({"customer_id", "rfm_segment"})


def project_var_defaults(project_file: Path = PROJECT_ROOT / "dbt_project.yml") -> dict[str, Any]:
    """The clustering vars as declared in dbt_project.yml."""
    declared = yaml.safe_load(project_file.read_text())["vars"]
    return {name: declared[name] for name in PARAM_VARS if name in declared}


def clustering_params(cli_vars: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as dbt would see them: project defaults overridden by --vars."""
    values = {**project_var_defaults(), **{k: v for k, v in cli_vars.items() if k in PARAM_VARS}}
    return params_from_vars({k: v for k, v in values.items() if v is not None})


def numeric_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Feature columns as floats (PostgreSQL numerics arrive as ``Decimal`` objects)."""
    out = frame.copy()
    for column in out.columns:
        if column not in TEXT_COLUMNS and column != AS_OF_COLUMN:
            out[column] = pd.to_numeric(out[column]).astype("float64")
    return out


def read_features_duckdb(database: Path) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql(f"select * from {MARTS_SCHEMA}.{FEATURES_MODEL}").df()


def write_duckdb(database: Path, tables: Mapping[str, pd.DataFrame]) -> None:
    import duckdb

    with duckdb.connect(str(database)) as con:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {SOURCE_SCHEMA}")
        for name, frame in tables.items():
            con.register("clustering_frame", frame)
            con.execute(
                f"create or replace table {SOURCE_SCHEMA}.{name} as select * from clustering_frame"
            )
            con.unregister("clustering_frame")
        con.execute("commit")


def postgres_type(name: str, series: pd.Series) -> str:
    """Column type for a pandas column written to PostgreSQL."""
    if name == AS_OF_COLUMN:
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return "double precision"
    return "text"


def read_features_postgres(connect_kwargs: Mapping[str, str]) -> pd.DataFrame:
    import psycopg2

    with psycopg2.connect(**connect_kwargs) as conn, conn.cursor() as cur:
        cur.execute(f"select * from {MARTS_SCHEMA}.{FEATURES_MODEL}")
        columns = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=columns)


def postgres_columns(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(name, type) of each column of ``frame`` as written to PostgreSQL."""
    return [(str(col), postgres_type(str(col), frame[col])) for col in frame.columns]


def stored_postgres_columns(cur: Any, name: str) -> list[tuple[str, str]]:
    """(name, type) of the stored source table ``name``, in order; [] when absent."""
    cur.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = %s order by ordinal_position",
        [SOURCE_SCHEMA, name],
    )
    return [(column, data_type) for column, data_type in cur.fetchall()]


def write_postgres(connect_kwargs: Mapping[str, str], tables: Mapping[str, pd.DataFrame]) -> None:
    """Replace each source table's rows in one transaction.

    A table whose columns are unchanged is truncated, not dropped: dbt's staging
    views (stg_clustering__*) depend on it, and PostgreSQL refuses to drop a table
    a view reads, so every build after the first failed. Changed columns (a
    release that adds one) drop it with its views, which the rest of the build
    recreates.
    """
    import psycopg2

    conn = psycopg2.connect(**connect_kwargs)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"create schema if not exists {SOURCE_SCHEMA}")
            for name, frame in tables.items():
                table = f"{SOURCE_SCHEMA}.{name}"
                wanted = postgres_columns(frame)
                if stored_postgres_columns(cur, name) == wanted:
                    cur.execute(f"truncate table {table}")
                else:
                    columns = ", ".join(f'"{col}" {data_type}' for col, data_type in wanted)
                    cur.execute(f"drop table if exists {table} cascade")
                    cur.execute(f"create table {table} ({columns})")
                buffer = io.StringIO()
                # repr-exact floats: the marts must equal DuckDB's to 1e-9.
                frame.to_csv(buffer, index=False, header=False, float_format="%.17g")
                buffer.seek(0)
                cur.copy_expert(f"copy {table} from stdin with (format csv)", buffer)
    finally:
        conn.close()


def run_clustering(
    target: str,
    cli_vars: Mapping[str, Any],
    database: Path | None = None,
    connect_kwargs: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Read the feature mart on ``target``, cluster, write the source tables; return them."""
    params = clustering_params(cli_vars)
    if target == "duckdb":
        if database is None:
            raise ValueError("target duckdb needs the warehouse file (DUCKDB_PATH)")
        features = read_features_duckdb(database)
    elif target == "postgres":
        features = numeric_features(read_features_postgres(connect_kwargs or {}))
    elif target == "spark":
        from customer_segmentation import spark_warehouse  # pyspark: make test-spark only

        spark = spark_warehouse.local_session()
        features = numeric_features(
            spark_warehouse.read_table(spark, f"{MARTS_SCHEMA}.{FEATURES_MODEL}")
        )
    else:
        raise ValueError(
            f"target {target!r}: the clustering script supports duckdb, postgres and spark"
        )
    tables = outputs_for(features, params, runner="script")
    if target == "duckdb":
        write_duckdb(database, tables)  # type: ignore[arg-type]
    elif target == "spark":
        # No multi-table transaction on Spark: each table is replaced in turn.
        for name, frame in tables.items():
            spark_warehouse.write_table(spark, frame, f"{SOURCE_SCHEMA}.{name}")
    else:
        write_postgres(connect_kwargs or {}, tables)
    return tables
