"""Load a raw-contract directory into the warehouse schema ``raw``.

Rules (see README, "Raw contract"):
- every value lands as text; staging decides what parses, so a bad value never
  stops a load but ends in a quarantine model with a reason;
- a missing required file, an unreadable file or a missing key column stops the
  load with a message naming the file, the column and, where known, the row;
- a load is all or nothing: every file is validated before the warehouse is
  touched, and all tables are replaced in one transaction;
- an append (``append_duckdb``, ``load_raw.py --append``) adds the rows of the
  files present to the existing raw tables, also in one transaction;
- each loaded file is recorded in ``raw._loads`` (file, rows, checksum, loaded_at).

DuckDB parses the files for both targets: it reads CSV (plain or gzip) and
Parquet with RFC 4180 quoting, and its errors name the line.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    # The file's header, normalised, in file order, and the same columns as the
    # reader names them: CSV columns are named by us (see reader_sql), Parquet
    # columns keep the names written in the file.
    file_header: tuple[str, ...] = ()
    reader_names: tuple[str, ...] = ()

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


def reader_sql(path: Path, header: tuple[str, ...] = ()) -> str:
    """A DuckDB table function reading ``path`` with every column as text."""
    literal = _sql_string(str(path))
    if path.name.endswith(".parquet"):
        return f"read_parquet({literal})"
    # No sniffing: the header is read by read_csv_header and every column is given
    # as text with the contract's dialect. A sniffer guesses: it took a ';' file for
    # one wide column, and a ragged row for the header ("key column missing, found:
    # p2, Toy, extra"); with the dialect fixed, errors name the real problem and line.
    columns = ", ".join(f"{_sql_string(name)}: 'VARCHAR'" for name in header)
    return (
        f"read_csv({literal}, header = true, columns = {{{columns}}}, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', null_padding = false, strict_mode = true)"
    )


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOWrapper]:
    """The file as text; bytes that are not UTF-8 become surrogates, found by the caller."""
    with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as raw:
        yield io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


def _not_utf8(value: str) -> bytes | None:
    """The offending bytes when ``value`` came from invalid UTF-8 (see _open_text)."""
    bad = [ch for ch in value if "\udc80" <= ch <= "\udcff"]
    return "".join(bad).encode("utf-8", "surrogateescape") if bad else None


def read_csv_header(path: Path) -> list[str]:
    """The first record of a CSV file (RFC 4180), checked to be UTF-8."""
    if path.stat().st_size == 0:
        raise LoadError(f"{path.name}: file is empty (no header row)")
    try:
        with _open_text(path) as handle:
            record = next(csv.reader(handle, strict=True), None)
    except (OSError, EOFError, csv.Error) as exc:
        raise LoadError(f"{path.name}: line 1 (header): cannot read CSV: {exc}") from exc
    if record is None:
        raise LoadError(f"{path.name}: file is empty (no header row)")
    for position, name in enumerate(record, start=1):
        bad = _not_utf8(name)
        if bad is not None:
            raise LoadError(
                f"{path.name}: line 1 (header), column {position}: bytes {bad!r} are not "
                "UTF-8; the raw contract requires UTF-8 (re-export the file as UTF-8)"
            )
    return record


def read_header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    if path.name.endswith(".parquet"):
        if path.stat().st_size == 0:
            raise LoadError(f"{path.name}: file is empty (no header row)")
        try:
            return [r[0] for r in con.sql(f"describe select * from {reader_sql(path)}").fetchall()]
        except duckdb.Error as exc:
            raise LoadError(f"{path.name}: cannot read Parquet: {first_line(exc)}") from exc
    return read_csv_header(path)


def first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n")[:2]).strip()


def locate_csv_problem(path: Path, header: tuple[str, ...]) -> str | None:
    """Row, line and column of the first record that breaks the contract's CSV rules.

    Runs only after DuckDB refused the file, to turn its message into one that
    names the data row (as in ``_source_row``), the line and the column. None when
    Python's CSV reader finds nothing wrong (DuckDB's own message is used then).
    """
    row = 0
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle, strict=True)
            next(reader, None)
            for record in reader:
                if not record:  # blank line: skipped by both readers, not a row
                    continue
                row += 1
                where = f"row {row} (line {reader.line_num})"
                for name, value in zip(header, record, strict=False):
                    bad = _not_utf8(value)
                    if bad is not None:
                        return (
                            f"{where}, column {name!r}: bytes {bad!r} are not UTF-8; the raw "
                            "contract requires UTF-8 (re-export the file as UTF-8)"
                        )
                if len(record) != len(header):
                    why = (
                        "a value containing ',' must be quoted"
                        if len(record) > len(header)
                        else "an empty value still needs its ','"
                    )
                    return f"{where}: {len(record)} fields but the header has {len(header)} ({why})"
    except csv.Error as exc:
        return f"row {row + 1} (after line {reader.line_num}): {exc}"
    except (OSError, EOFError) as exc:
        return f"cannot read: {exc}"
    return None


def describe_read_error(source: SourceFile, exc: BaseException) -> str:
    """A load-failure message for ``source``: file, then row, line and column when known."""
    detail = None
    if source.path is not None and not source.path.name.endswith(".parquet"):
        detail = locate_csv_problem(source.path, source.file_header)
    return f"{source.label}: {detail or first_line(exc)}"


def delimiter_hint(header: list[str]) -> str:
    """Why a key column may look missing: the file uses another delimiter."""
    if len(header) == 1:
        for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if delimiter in header[0]:
                return f"; the header looks {name}-separated, the raw contract requires commas"
    return ""


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


def validate_directory(directory: Path, append: bool = False) -> list[SourceFile]:
    """Check every file the contract needs before anything is written.

    ``append``: the directory holds new rows for some tables (see append_duckdb);
    no table is required, absent tables are left out, at least one must be there.
    """
    if not directory.is_dir():
        raise LoadError(f"{directory}: raw directory does not exist")
    con = duckdb.connect()
    sources: list[SourceFile] = []
    for table in TABLES:
        path = find_table_file(directory, table.name)
        if path is None and append:
            continue
        if path is None:
            if table.required:
                expected = " or ".join(f"{table.name}{s}" for s in FILE_SUFFIXES)
                raise LoadError(f"{directory}: required file missing: {expected}")
            sources.append(SourceFile(table, None, tuple(table.column_names)))
            continue
        written = read_header(con, path)
        header = normalise_header(path, written)
        for key in table.key_columns:
            if key not in header:
                raise LoadError(
                    f"{path.name}: required key column {key!r} missing from the header "
                    f"(found: {', '.join(header)}){delimiter_hint(header)}"
                )
        extras = tuple(h for h in header if h not in table.column_names and not h.startswith("_"))
        names = tuple(written) if path.name.endswith(".parquet") else tuple(header)
        sources.append(
            SourceFile(table, path, tuple(table.column_names) + extras, tuple(header), names)
        )
    if append and not sources:
        expected = ", ".join(table.name for table in TABLES)
        raise LoadError(f"{directory}: nothing to append: no file for any of {expected}")
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
    header = dict(zip(source.file_header, source.reader_names, strict=True))
    parts = []
    for column in source.columns:
        if column in header:
            parts.append(
                f'cast("{_quote_ident(header[column])}" as varchar) as "{_quote_ident(column)}"'
            )
        else:
            parts.append(f'cast(null as varchar) as "{_quote_ident(column)}"')
    file_name = source.path.name.replace("'", "''")
    return (
        f"select {', '.join(parts)}, '{file_name}' as _source_file, "
        # Row numbers in file order (DuckDB preserves insertion order by default):
        # quarantine rows and error messages point at data row N of the file.
        "cast(row_number() over () as bigint) as _source_row, "
        f"'{load_id}' as _load_id, "
        f"cast('{loaded_at:%Y-%m-%d %H:%M:%S}' as timestamp) as _loaded_at "
        f"from {reader_sql(source.path, source.file_header)}"
    )


def _quote_ident(name: str) -> str:
    return name.replace('"', '""')


def load_duckdb(
    sources: list[SourceFile], database: Path, progress: Callable[[str], None] = lambda _: None
) -> list[LoadedTable]:
    """Replace every raw table in one transaction; on any error nothing changes."""
    load_id, loaded_at = new_load_identity()
    loaded: list[LoadedTable] = []
    with _transaction(database) as con:
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
                raise LoadError(describe_read_error(source, exc)) from exc
            [(rows,)] = con.execute(
                f"select count(*) from {RAW_SCHEMA}.{source.table.name}"
            ).fetchall()
            check_not_empty(source, rows)
            loaded.append(record(rows, source))
        insert_load_records(con, loaded, load_id, loaded_at)
    return loaded


@contextmanager
def _transaction(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection inside one transaction: committed when the block ends, rolled
    back on any exception (KeyboardInterrupt included), closed either way."""
    con = duckdb.connect(str(database))
    try:
        con.execute("begin transaction")
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


def append_duckdb(
    sources: list[SourceFile], database: Path, progress: Callable[[str], None] = lambda _: None
) -> list[LoadedTable]:
    """Append the rows of ``sources`` to the raw tables, in one transaction (all or nothing).

    For incremental builds (README, "Incremental builds"): e.g. one more day of
    orders, their order items and that day's fx rates. Appended rows get this
    load's ``_load_id``, their file's ``_source_file`` and ``_source_row`` (the
    row in that file, as in a full load) and a ``_loaded_at`` later than every
    earlier load's, so "first seen" (load, then row) and the incremental models'
    watermarks are well defined. Nothing is replaced or deduplicated here:
    staging applies the duplicate-key rule across loads. A column unknown to the
    raw table is added to it (NULL in earlier rows).
    """
    first = "append adds to a full load; run load_raw.py without --append first"
    if not database.exists():
        raise LoadError(f"{database}: no warehouse to append to ({first})")
    load_id, loaded_at = new_load_identity()
    loaded: list[LoadedTable] = []
    with _transaction(database) as con:
        existing = _raw_columns(con)
        for source in sources:
            if source.table.name not in existing:
                raise LoadError(
                    f"{source.label}: cannot append: {RAW_SCHEMA}.{source.table.name} "
                    f"does not exist ({first})"
                )
        loaded_at = _after_previous_loads(con, loaded_at)
        for source in sources:
            progress(f"appending {source.label}")
            table = f"{RAW_SCHEMA}.{source.table.name}"
            for column in source.columns:
                if column not in existing[source.table.name]:
                    con.execute(f'alter table {table} add column "{_quote_ident(column)}" varchar')
            [(before,)] = con.execute(f"select count(*) from {table}").fetchall()
            try:
                insert = f"insert into {table} by name "
                con.execute(insert + select_sql(source, load_id, loaded_at))
            except duckdb.Error as exc:
                raise LoadError(describe_read_error(source, exc)) from exc
            [(after,)] = con.execute(f"select count(*) from {table}").fetchall()
            loaded.append(record(after - before, source))
        insert_load_records(con, loaded, load_id, loaded_at)
    return loaded


def _raw_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?",
        [RAW_SCHEMA],
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


def _after_previous_loads(con: duckdb.DuckDBPyConnection, loaded_at: datetime) -> datetime:
    """``loaded_at``, moved past the latest recorded load (same second, or a clock set back)."""
    con.execute(LOADS_DDL)
    [(latest,)] = con.execute(f"select max(loaded_at) from {RAW_SCHEMA}.{LOADS_TABLE}").fetchall()
    if latest is not None and loaded_at <= latest:
        return latest + timedelta(seconds=1)
    return loaded_at


LOADS_DDL = (
    f"create table if not exists {RAW_SCHEMA}.{LOADS_TABLE} ("
    "load_id varchar, table_name varchar, source_file varchar, row_count bigint, "
    "checksum varchar, loaded_at timestamp)"
)


def check_not_empty(source: SourceFile, rows: int) -> None:
    """A required table with a header and no rows is a broken export, not an empty shop.

    Loading it would replace every previously loaded row with nothing and empty
    every mart; the load stops instead and the previous data stays.
    """
    if rows == 0 and source.table.required and source.path is not None:
        raise LoadError(
            f"{source.path.name}: header only, no data rows; {source.table.name!r} is a "
            "required table and cannot be empty (the previously loaded data is kept)"
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
                    # Extra columns are named by the user's header: quoted, never spliced.
                    + ", ".join(
                        f'"{_quote_ident(c)}" {t}' for c, t in zip(cols, types, strict=True)
                    )
                    + ")"
                )
                try:
                    reader = parser.sql(select_sql(source, load_id, loaded_at)).to_arrow_reader(
                        200_000
                    )
                    rows = 0
                    for buffer, count in _csv_batches(reader):
                        cur.copy_expert(
                            f"copy {table} from stdin with (format csv, header false)", buffer
                        )
                        rows += count
                except duckdb.Error as exc:
                    raise LoadError(describe_read_error(source, exc)) from exc
                check_not_empty(source, rows)
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
