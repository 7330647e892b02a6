"""Load a raw-contract directory into the warehouse schema ``raw``.

Rules (see README, "Raw contract"):
- every value lands as text; staging decides what parses, so a bad value never
  stops a load but ends in a quarantine model with a reason;
- a missing required file, an unreadable file or a missing key column stops the
  load with a message naming the file, the column and, where known, the row;
- a load is all or nothing: every file is validated before the warehouse is
  touched, and all tables are replaced in one transaction;
- each loaded file is recorded in ``raw._loads`` (file, rows, checksum, loaded_at).

DuckDB parses the files for both targets: it reads CSV (plain or gzip) and
Parquet with RFC 4180 quoting, and its errors name the line.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from customer_segmentation.contract import FILE_SUFFIXES, TABLES, Table

RAW_SCHEMA = "raw"
LOADS_TABLE = "_loads"


class LoadError(Exception):
    """The raw directory breaks the contract; the message names file, column and row."""


@dataclass(frozen=True)
class SourceFile:
    table: Table
    path: Path | None  # None: optional table absent, loads empty
    columns: tuple[str, ...]  # normalised (lower-case) header, contract columns first

    @property
    def label(self) -> str:
        return self.path.name if self.path else f"{self.table.name} (absent, loaded empty)"


@dataclass(frozen=True)
class LoadedTable:
    table: str
    source_file: str
    rows: int
    checksum: str


def find_table_file(directory: Path, table: str) -> Path | None:
    """The one file for ``table`` in ``directory``; two candidates are ambiguous."""
    found = [
        directory / f"{table}{s}" for s in FILE_SUFFIXES if (directory / f"{table}{s}").is_file()
    ]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise LoadError(f"{directory}: table {table!r} has more than one file ({names}); keep one")
    return found[0] if found else None


def reader_sql(path: Path) -> str:
    """A DuckDB table function reading ``path`` with every column as text."""
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.name.endswith(".parquet"):
        return f"read_parquet({literal})"
    # Dialect pinned (auto_detect only names the columns): sniffing would accept a
    # ';' file as one wide column and fail later with a confusing message; with ','
    # fixed it fails on the key-column check, which names the file and the column.
    return (
        f"read_csv({literal}, all_varchar = true, header = true, delim = ',', quote = '\"', "
        "escape = '\"', auto_detect = true, null_padding = false, strict_mode = true)"
    )


def read_header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    if path.stat().st_size == 0:
        raise LoadError(f"{path.name}: file is empty (no header row)")
    if path.name.endswith(".parquet"):
        try:
            return [r[0] for r in con.sql(f"describe select * from {reader_sql(path)}").fetchall()]
        except duckdb.Error as exc:
            raise LoadError(f"{path.name}: cannot read Parquet: {first_line(exc)}") from exc
    try:
        return list(con.sql(f"select * from {reader_sql(path)} limit 0").columns)
    except duckdb.Error as exc:
        raise LoadError(f"{path.name}: cannot read CSV: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n")[:2]).strip()


def normalise_header(path: Path, header: list[str]) -> list[str]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise LoadError(f"{path.name}: header column {position} has no name")
        if name in seen:
            raise LoadError(
                f"{path.name}: column {name!r} appears twice in the header "
                "(names are matched case-insensitively)"
            )
        seen.add(name)
    return names


def validate_directory(directory: Path) -> list[SourceFile]:
    """Check every file the contract needs before anything is written."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: raw directory does not exist")
    con = duckdb.connect()
    sources: list[SourceFile] = []
    for table in TABLES:
        path = find_table_file(directory, table.name)
        if path is None:
            if table.required:
                expected = " or ".join(f"{table.name}{s}" for s in FILE_SUFFIXES)
                raise LoadError(f"{directory}: required file missing: {expected}")
            sources.append(SourceFile(table, None, tuple(table.column_names)))
            continue
        header = normalise_header(path, read_header(con, path))
        for key in table.key_columns:
            if key not in header:
                raise LoadError(
                    f"{path.name}: required key column {key!r} missing from the header "
                    f"(found: {', '.join(header)})"
                )
        extras = tuple(h for h in header if h not in table.column_names and not h.startswith("_"))
        sources.append(SourceFile(table, path, tuple(table.column_names) + extras))
    return sources


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def select_sql(source: SourceFile, load_id: str, loaded_at: datetime) -> str:
    """SELECT producing the raw table: contract columns, extras, bookkeeping."""
    if source.path is None:
        cols = ", ".join(f"cast(null as varchar) as {c}" for c in source.columns)
        return (
            f"select {cols}, cast(null as varchar) as _source_file, "
            "cast(null as bigint) as _source_row, cast(null as varchar) as _load_id, "
            "cast(null as timestamp) as _loaded_at where false"
        )
    header = {name.strip().lower().lstrip("\ufeff"): name for name in _raw_header_names(source)}
    parts = []
    for column in source.columns:
        if column in header:
            parts.append(f'cast("{_quote_ident(header[column])}" as varchar) as "{column}"')
        else:
            parts.append(f'cast(null as varchar) as "{column}"')
    file_name = source.path.name.replace("'", "''")
    return (
        f"select {', '.join(parts)}, '{file_name}' as _source_file, "
        # Row numbers in file order (DuckDB preserves insertion order by default):
        # quarantine rows and error messages point at data row N of the file.
        "cast(row_number() over () as bigint) as _source_row, "
        f"'{load_id}' as _load_id, "
        f"cast('{loaded_at:%Y-%m-%d %H:%M:%S}' as timestamp) as _loaded_at "
        f"from {reader_sql(source.path)}"
    )


def _raw_header_names(source: SourceFile) -> list[str]:
    assert source.path is not None
    return read_header(duckdb.connect(), source.path)


def _quote_ident(name: str) -> str:
    return name.replace('"', '""')


def load_duckdb(
    sources: list[SourceFile], database: Path, progress: Callable[[str], None] = lambda _: None
) -> list[LoadedTable]:
    """Replace every raw table in one transaction; on any error nothing changes."""
    load_id, loaded_at = new_load_identity()
    con = duckdb.connect(str(database))
    loaded: list[LoadedTable] = []
    try:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        con.execute(LOADS_DDL)
        for source in sources:
            progress(f"loading {source.label}")
            try:
                con.execute(
                    f"create or replace table {RAW_SCHEMA}.{source.table.name} as "
                    + select_sql(source, load_id, loaded_at)
                )
            except duckdb.Error as exc:
                raise LoadError(f"{source.label}: {first_line(exc)}") from exc
            loaded.append(
                record(
                    con.execute(
                        f"select count(*) from {RAW_SCHEMA}.{source.table.name}"
                    ).fetchone()[0],
                    source,
                )
            )
        insert_load_records(con, loaded, load_id, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()
    return loaded


LOADS_DDL = (
    f"create table if not exists {RAW_SCHEMA}.{LOADS_TABLE} ("
    "load_id varchar, table_name varchar, source_file varchar, row_count bigint, "
    "checksum varchar, loaded_at timestamp)"
)


def record(rows: int, source: SourceFile) -> LoadedTable:
    checksum = file_checksum(source.path) if source.path else ""
    return LoadedTable(source.table.name, source.path.name if source.path else "", rows, checksum)


def new_load_identity() -> tuple[str, datetime]:
    return uuid.uuid4().hex, datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def insert_load_records(con, loaded: list[LoadedTable], load_id: str, loaded_at: datetime) -> None:
    # Parameters, never spliced text: file names come from the user's directory.
    placeholder = "%s" if not isinstance(con, duckdb.DuckDBPyConnection) else "?"
    sql = f"insert into {RAW_SCHEMA}.{LOADS_TABLE} values ({', '.join([placeholder] * 6)})"
    for item in loaded:
        con.execute(
            sql, (load_id, item.table, item.source_file, item.rows, item.checksum, loaded_at)
        )


def load_postgres(
    sources: list[SourceFile],
    connect_kwargs: dict[str, str],
    progress: Callable[[str], None] = lambda _: None,
) -> list[LoadedTable]:
    """Same as :func:`load_duckdb` on PostgreSQL: DuckDB parses, COPY writes, one transaction."""
    import psycopg2  # only the postgres target needs it

    load_id, loaded_at = new_load_identity()
    parser = duckdb.connect()
    conn = psycopg2.connect(**connect_kwargs)
    loaded: list[LoadedTable] = []
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"create schema if not exists {RAW_SCHEMA}")
            cur.execute(LOADS_DDL)
            for source in sources:
                progress(f"loading {source.label}")
                table = f"{RAW_SCHEMA}.{source.table.name}"
                cols = [*source.columns, "_source_file", "_source_row", "_load_id", "_loaded_at"]
                types = ["text"] * len(source.columns) + ["text", "bigint", "text", "timestamp"]
                cur.execute(f"drop table if exists {table}")
                cur.execute(
                    f"create table {table} ("
                    + ", ".join(f'"{c}" {t}' for c, t in zip(cols, types, strict=True))
                    + ")"
                )
                try:
                    reader = parser.sql(select_sql(source, load_id, loaded_at)).fetch_record_batch(
                        200_000
                    )
                    rows = 0
                    for buffer, count in _csv_batches(reader):
                        cur.copy_expert(
                            f"copy {table} from stdin with (format csv, header false)", buffer
                        )
                        rows += count
                except duckdb.Error as exc:
                    raise LoadError(f"{source.label}: {first_line(exc)}") from exc
                loaded.append(record(rows, source))
            insert_load_records(cur, loaded, load_id, loaded_at)
    finally:
        conn.close()
    return loaded


def _csv_batches(reader) -> Iterator[tuple[io.BytesIO, int]]:
    import pyarrow.csv as pacsv

    for batch in reader:
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
        buffer.seek(0)
        yield buffer, batch.num_rows
