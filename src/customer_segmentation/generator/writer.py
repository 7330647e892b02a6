"""Append chunks of all-text tables to `<table>.csv` or `<table>.parquet`."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import OutputFormat

_NEEDS_QUOTES = r'[",\r\n]'


def _csv_field(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """RFC 4180: quote only values holding a comma, quote or line break; NULL is empty."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    needs = pc.fill_null(pc.match_substring_regex(column, _NEEDS_QUOTES), False)
    if not pc.any(needs).as_py():
        return pc.fill_null(column, "")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs, quoted, column), "")


def csv_bytes(table: pa.Table, header: bool) -> bytes:
    """Render a text table as CSV bytes entirely in Arrow (no per-row Python)."""
    fields = [_csv_field(table.column(i)) for i in range(table.num_columns)]
    lines = pc.binary_join_element_wise(*fields, ",")
    lines = pc.binary_join_element_wise(lines, pa.scalar("\n"), "")
    body = pc.binary_join(pa.array([lines], type=pa.list_(pa.string())), "")[0].as_py()
    head = ",".join(table.column_names) + "\n" if header else ""
    return (head + (body or "")).encode("utf-8")


class TableWriter:
    """One output file per table; chunks are appended in call order."""

    def __init__(self, out: Path, name: str, columns: list[str], fmt: OutputFormat) -> None:
        self.path = out / f"{name}.{fmt}"
        self.columns = columns
        self.fmt = fmt
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.rows_written = 0
        self._parquet: pq.ParquetWriter | None = None
        if fmt == "csv":
            self.path.write_bytes((",".join(columns) + "\n").encode("utf-8"))
        else:
            # Dictionary pages keep low-cardinality text (status, country) small;
            # no statistics because min/max of text timestamps would mislead.
            self._parquet = pq.ParquetWriter(
                self.path, self.schema, compression="zstd", write_statistics=False
            )

    def write(self, table: pa.Table) -> None:
        table = table.select(self.columns).cast(self.schema)
        if table.num_rows == 0:
            return
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=1_000_000)
        else:
            with self.path.open("ab") as fh:
                fh.write(csv_bytes(table, header=False))
        self.rows_written += table.num_rows

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
