"""Spark as the warehouse: a local session, the raw load, and table reads and writes.

The ``spark`` dbt target runs in session mode (dbt-spark ``method: session``):
dbt starts Spark inside its own process with Hive support, so tables persist in
the embedded metastore (``metastore_db/``) and warehouse directory
(``spark-warehouse/``) of the current directory. :func:`local_session` opens a
session with the same settings as the profile, for the loader, the clustering
script and the tests. Run them one at a time from the same working directory:
the embedded Derby metastore admits one process at a time.

Against a Spark Thrift server or Databricks (see README, "Spark") the raw files
are loaded by the platform's own ingestion into the schema ``raw`` with the same
columns; this module is the local path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from customer_segmentation.loader import (
    LOADS_TABLE,
    RAW_SCHEMA,
    LoadedTable,
    LoadError,
    SourceFile,
    check_not_empty,
    describe_read_error,
    new_load_identity,
    record,
    select_sql,
)

if TYPE_CHECKING:  # pyspark is only in the Spark venv (make test-spark)
    import pandas as pd
    from pyspark.sql import SparkSession

# Keep equal to server_side_parameters of the `spark` output in profiles.yml:
# dbt's session and ours must agree on the time zone (timestamps are UTC, as on
# the other targets) and the table format.
SESSION_CONFIG: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.sql.session.timeZone": "UTC",
    # 200 shuffle partitions (the default) make every small join ~100 tiny tasks.
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.sql.sources.default": "parquet",
}

LOADS_COLUMNS = (
    "load_id string, table_name string, source_file string, row_count bigint, "
    "checksum string, loaded_at timestamp"
)


def local_session(config: Mapping[str, str] | None = None) -> SparkSession:
    """A local Spark session with the profile's settings and a Hive metastore in the cwd."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("customer-segmentation").enableHiveSupport()
    for key, value in {**SESSION_CONFIG, **(config or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def quote(name: str) -> str:
    """A Spark identifier in backticks (extra raw columns keep their export names)."""
    return "`" + name.replace("`", "``") + "`"


def load_spark(
    sources: list[SourceFile],
    spark: SparkSession,
    progress: Callable[[str], None] = lambda _: None,
) -> list[LoadedTable]:
    """Load every raw table into Spark schema ``raw``: all text plus the bookkeeping columns.

    DuckDB parses every file first (the same reader and errors as the other
    targets) into Parquet files, so a bad file stops the load before Spark is
    touched. Spark has no multi-table transaction: each table is then replaced
    on its own, and a failure there names the table that was not replaced.
    """
    load_id, loaded_at = new_load_identity()
    with tempfile.TemporaryDirectory(prefix="raw-spark-") as staging:
        parsed: list[tuple[SourceFile, Path, int]] = []
        parser = duckdb.connect()
        for source in sources:
            progress(f"parsing {source.label}")
            target = Path(staging) / f"{source.table.name}.parquet"
            try:
                relation = parser.sql(select_sql(source, load_id, loaded_at))
                relation.write_parquet(str(target))
                [(rows,)] = parser.sql(f"select count(*) from read_parquet('{target}')").fetchall()
            except duckdb.Error as exc:
                raise LoadError(describe_read_error(source, exc)) from exc
            check_not_empty(source, int(rows))
            parsed.append((source, target, int(rows)))
        spark.sql(f"create database if not exists {RAW_SCHEMA}")
        loaded: list[LoadedTable] = []
        for source, path, rows in parsed:
            progress(f"loading {source.label}")
            replace_raw_table(spark, source, path)
            loaded.append(record(rows, source))
        record_loads(spark, loaded, load_id, f"{loaded_at:%Y-%m-%d %H:%M:%S}")
    return loaded


def replace_raw_table(spark: SparkSession, source: SourceFile, path: Path) -> None:
    """``raw.<table>`` from one parsed Parquet file, copied into the warehouse."""
    view = f"incoming_{source.table.name}"
    spark.read.parquet(str(path)).createOrReplaceTempView(view)
    columns = [f"cast({quote(c)} as string) as {quote(c)}" for c in source.columns]
    columns += [
        "cast(_source_file as string) as _source_file",
        "cast(_source_row as bigint) as _source_row",
        "cast(_load_id as string) as _load_id",
        # Parquet from DuckDB holds a timestamp without zone; the session zone is UTC.
        "cast(_loaded_at as timestamp) as _loaded_at",
    ]
    table = f"{RAW_SCHEMA}.{source.table.name}"
    spark.sql(f"drop table if exists {table}")
    spark.sql(f"create table {table} using parquet as select {', '.join(columns)} from {view}")
    spark.catalog.dropTempView(view)


def record_loads(
    spark: SparkSession, loaded: list[LoadedTable], load_id: str, loaded_at: str
) -> None:
    """One ``raw._loads`` row per file, values bound as parameters (file names are user data)."""
    spark.sql(
        f"create table if not exists {RAW_SCHEMA}.{LOADS_TABLE} ({LOADS_COLUMNS}) using parquet"
    )
    for item in loaded:
        spark.sql(
            f"insert into {RAW_SCHEMA}.{LOADS_TABLE} values "
            "(:load_id, :table_name, :source_file, :row_count, :checksum, "
            "cast(:loaded_at as timestamp))",
            args={
                "load_id": load_id,
                "table_name": item.table,
                "source_file": item.source_file,
                "row_count": item.rows,
                "checksum": item.checksum,
                "loaded_at": loaded_at,
            },
        )


def read_table(spark: SparkSession, table: str) -> pd.DataFrame:
    """A whole table as pandas, through Arrow (keeps decimals, dates and NULLs exact)."""
    return spark.table(table).toArrow().to_pandas()


def write_table(spark: SparkSession, frame: pd.DataFrame, table: str) -> None:
    """Replace ``schema.table`` with ``frame`` (through Arrow: pandas 3 strings convert cleanly)."""
    schema = table.split(".")[0]
    spark.sql(f"create database if not exists {quote(schema)}")
    data = spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))
    spark.sql(f"drop table if exists {table}")
    data.write.format("parquet").saveAsTable(table)
