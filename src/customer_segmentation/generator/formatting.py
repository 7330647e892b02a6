"""Vectorised rendering of numpy values into the raw contract's text forms.

Every raw column is written as text (also in parquet) so that injected dirty
values survive; pyarrow compute does the string work in C++, which is what
lets 25M order lines render in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TS_FORMAT = "%Y-%m-%d %H:%M:%S"
TS_LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


def pick(pool: Sequence[str | None], codes: np.ndarray) -> pa.Array:
    """Map integer codes to strings from a pool; None entries become NULL."""
    return pa.array(list(pool), type=pa.string()).take(pa.array(codes, type=pa.int64()))


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded identifiers such as C0000042 (leading zeros are part of the key)."""
    digits = pc.utf8_lpad(pa.array(numbers, type=pa.int64()).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def null_where(values: pa.Array, is_null: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(is_null), pa.nulls(len(values), pa.string()), values)


def money(cents: np.ndarray) -> pa.Array:
    """Render integer cents as a dot-decimal string with two places, e.g. -12.50."""
    cents = np.asarray(cents, dtype=np.int64)
    absolute = np.abs(cents)
    whole = pa.array(absolute // 100).cast(pa.string())
    frac = pc.utf8_lpad(pa.array(absolute % 100).cast(pa.string()), 2, "0")
    sign = pick(["", "-"], (cents < 0).astype(np.int64))
    return pc.binary_join_element_wise(sign, whole, ".", frac, "")


def integers(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())


def rate(values: np.ndarray, places: int) -> pa.Array:
    """Fixed-point text for small positive values such as fx rates."""
    scale = 10**places
    scaled = np.rint(np.asarray(values) * scale).astype(np.int64)
    whole = pa.array(scaled // scale).cast(pa.string())
    frac = pc.utf8_lpad(pa.array(scaled % scale).cast(pa.string()), places, "0")
    return pc.binary_join_element_wise(whole, frac, ".")


def bools(values: np.ndarray) -> pa.Array:
    return pick(["false", "true"], np.asarray(values, dtype=np.int64))


def dates(days: np.ndarray) -> pa.Array:
    secs = pa.array(np.asarray(days, dtype=np.int64) * 86_400).cast(pa.timestamp("s"))
    return pc.strftime(secs, format="%Y-%m-%d")


def _offset_label(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def timestamps(
    secs: np.ndarray,
    offset_secs: np.ndarray | None = None,
    local_mask: np.ndarray | None = None,
    null_mask: np.ndarray | None = None,
) -> pa.Array:
    """UTC `YYYY-MM-DD HH:MM:SS`; rows in local_mask are rendered as local time
    with an explicit offset (same instant), as exports from regional systems do.
    """
    secs = np.asarray(secs, dtype=np.int64)
    plain = pc.strftime(pa.array(secs).cast(pa.timestamp("s")), format=TS_FORMAT)
    if offset_secs is not None and local_mask is not None and local_mask.any():
        offset_secs = np.asarray(offset_secs, dtype=np.int64)
        local = pc.strftime(
            pa.array(secs + offset_secs).cast(pa.timestamp("s")), format=TS_LOCAL_FORMAT
        )
        distinct = np.unique(offset_secs)
        labels = pick(
            [_offset_label(int(s)) for s in distinct], np.searchsorted(distinct, offset_secs)
        )
        plain = pc.if_else(
            pa.array(local_mask), pc.binary_join_element_wise(local, labels, ""), plain
        )
    if null_mask is not None:
        plain = null_where(plain, null_mask)
    return plain
