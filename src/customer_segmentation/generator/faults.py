"""--dirty: realistic export faults, and the truth of which rows staging must quarantine.

Each faulty row carries exactly one fault so its expected reason is
unambiguous. Faults that staging should normalise rather than quarantine
(case and whitespace) are injected on other rows and not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import formatting as fmt
from .calendar import SECONDS_PER_DAY

TRUTH_COLUMNS = ("table", "row_key", "source_row", "expected_reason")


@dataclass
class FaultLog:
    rows: list[tuple[str, str, int, str]] = field(default_factory=list)

    def add(
        self, table: str, keys: list[str], positions: np.ndarray, offset: int, reason: str
    ) -> None:
        # source_row is 1-based among data rows of the whole written file.
        for key, pos in zip(keys, positions, strict=True):
            self.rows.append((table, key, int(offset + pos + 1), reason))

    def to_table(self, table_order: list[str]) -> pa.Table:
        rank = {t: i for i, t in enumerate(table_order)}
        rows = sorted(self.rows, key=lambda r: (rank[r[0]], r[2]))
        return pa.table(
            {
                "table": [r[0] for r in rows],
                "row_key": [r[1] for r in rows],
                "source_row": [str(r[2]) for r in rows],
                "expected_reason": [r[3] for r in rows],
            },
            schema=pa.schema([(c, pa.string()) for c in TRUTH_COLUMNS]),
        )


def _set(table: pa.Table, column: str, idx: np.ndarray, values: list[str | None]) -> pa.Table:
    if len(idx) == 0:
        return table
    order = np.argsort(idx)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[idx] = True
    col = table.column(column).combine_chunks()
    new = pc.replace_with_mask(
        col, pa.array(mask), pa.array([values[i] for i in order], pa.string())
    )
    return table.set_column(table.schema.get_field_index(column), column, new)


def _values(table: pa.Table, column: str, idx: np.ndarray) -> list[str | None]:
    return table.column(column).take(pa.array(idx, type=pa.int64())).to_pylist()


def _insert_copies(
    rng: np.random.Generator, table: pa.Table, copies: pa.Table, src: np.ndarray
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Place each copy a little after its original, as re-exported rows land.

    Returns the new table and the final positions of originals and copies.
    """
    n = table.num_rows
    after = np.minimum(src + rng.integers(0, 200, len(src)), n - 1)
    keys = np.concatenate([2 * np.arange(n), 2 * after + 1])
    perm = np.argsort(keys, kind="stable")
    combined = pa.concat_tables([table, copies]).take(pa.array(perm))
    inverse = np.empty(len(perm), dtype=np.int64)
    inverse[perm] = np.arange(len(perm))
    return combined, inverse[:n], inverse[n:]


def _split(rng: np.random.Generator, n_rows: int, rate: float, kinds: int) -> np.ndarray:
    total = int(rng.binomial(n_rows, rate)) if rate > 0 else 0
    return rng.multinomial(total, [1 / kinds] * kinds)


def _victims(rng: np.random.Generator, pool: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """Disjoint random row sets, one per fault kind (trimmed if the pool is small)."""
    take = min(int(counts.sum()), len(pool))
    chosen = rng.choice(pool, take, replace=False)
    bounds = np.minimum(np.cumsum(counts), take)
    return [np.sort(part) for part in np.split(chosen, bounds[:-1])]


def _messy_case(rng: np.random.Generator, values: list[str | None]) -> list[str | None]:
    """Case and whitespace noise a normalising staging layer must absorb."""
    styles: list[Callable[[str], str]] = [
        str.upper,
        str.lower,
        lambda v: f" {v} ",
        lambda v: f"{v}  ",
        lambda v: f"\t{v.lower()}",
    ]
    picks = rng.integers(0, len(styles), len(values))
    return [None if v is None else styles[k](v) for v, k in zip(values, picks, strict=True)]


def _normalise_noise(
    rng: np.random.Generator,
    table: pa.Table,
    columns: tuple[str, ...],
    pool: np.ndarray,
    rate: float,
) -> pa.Table:
    for column in columns:
        k = min(int(rng.binomial(len(pool), rate)), len(pool))
        idx = np.sort(rng.choice(pool, k, replace=False))
        table = _set(table, column, idx, _messy_case(rng, _values(table, column, idx)))
    return table


def _bad_timestamps(rng: np.random.Generator, n: int) -> list[str | None]:
    forms = [
        "2024-13-45 99:00",
        "not a date",
        "31/12/2024 10:00",
        "2024-02-30 10:00:00",
        "yesterday",
    ]
    return [forms[k] for k in rng.integers(0, len(forms), n)]


def _comma_decimal(values: list[str | None]) -> list[str | None]:
    return [("abc" if v is None else v.replace(".", ",")) for v in values]


def _all_rows_except(n: int, *taken: np.ndarray) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    for t in taken:
        mask[t] = False
    return np.flatnonzero(mask)


def dirty_customers(
    rng: np.random.Generator,
    table: pa.Table,
    offset: int,
    rate: float,
    log: FaultLog,
    prospect: np.ndarray,
    birthday_persona: np.ndarray,
    signup_ts: np.ndarray,
    updated_ts: np.ndarray,
    end_ts: int,
) -> pa.Table:
    n = table.num_rows
    dup_n, missing_n, date_n = _split(rng, n, rate, 3)
    # Blank ids and bad birth dates go to customers without orders first, so no
    # persona loses its orders or its birthday to a quarantined row.
    soft = np.concatenate([np.flatnonzero(prospect), np.flatnonzero(~prospect & ~birthday_persona)])
    missing, bad_date = _victims(rng, soft, np.array([missing_n, date_n]))
    dup = _victims(rng, _all_rows_except(n, missing, bad_date), np.array([dup_n]))[0]

    table = _set(table, "customer_id", missing, [None] * len(missing))
    bad = ["31/02/1990", "1990-02-31", "12/25/1985", "0000-00-00", "unknown"]
    table = _set(table, "birth_date", bad_date, [bad[k] for k in rng.integers(0, 5, len(bad_date))])

    # A duplicate re-exported with a different updated_at: the older row loses.
    older_copy = (rng.random(len(dup)) < 0.5) & (updated_ts[dup] - signup_ts[dup] > 7200)
    older_copy |= end_ts - updated_ts[dup] <= 7200
    lo = np.where(older_copy, signup_ts[dup] + 1, updated_ts[dup] + 3600)
    hi = np.where(older_copy, updated_ts[dup] - 3600, end_ts)
    copy_ts = lo + (rng.random(len(dup)) * (hi - lo)).astype(np.int64)
    copies = table.take(pa.array(dup, type=pa.int64()))
    copies = copies.set_column(
        copies.schema.get_field_index("updated_at"), "updated_at", fmt.timestamps(copy_ts)
    )
    untouched = _all_rows_except(n, missing, bad_date, dup)
    table = _normalise_noise(rng, table, ("country", "gender"), untouched, rate)
    table, pos_orig, pos_copy = _insert_copies(rng, table, copies, dup)

    log.add("customers", [""] * len(missing), pos_orig[missing], offset, "missing_key")
    log.add(
        "customers",
        ids_of(table, pos_orig[bad_date]),
        pos_orig[bad_date],
        offset,
        "unparseable_date",
    )
    loser = np.where(older_copy, pos_copy, pos_orig[dup])
    log.add("customers", ids_of(table, loser), loser, offset, "duplicate_key")
    return table


def ids_of(table: pa.Table, positions: np.ndarray, column: str | None = None) -> list[str]:
    col = column or table.column_names[0]
    return [v or "" for v in _values(table, col, positions)]


@dataclass(frozen=True)
class OrderFaults:
    table: pa.Table
    quarantined_orders: np.ndarray  # original positions whose lines must be dropped


def dirty_orders(
    rng: np.random.Generator,
    table: pa.Table,
    offset: int,
    rate: float,
    log: FaultLog,
    is_guest: np.ndarray,
) -> OrderFaults:
    n = table.num_rows
    counts = _split(rng, n, rate, 5)
    # Guest orders carry no persona signal; quarantining them changes no truth.
    guests = np.flatnonzero(is_guest)
    bad_ts, future, currency, missing = _victims(rng, guests, counts[:4])
    dup = _victims(rng, _all_rows_except(n, bad_ts, future, currency, missing), counts[4:])[0]

    table = _set(table, "ordered_at", bad_ts, _bad_timestamps(rng, len(bad_ts)))
    future_values = [
        f"2099-{m:02d}-{d:02d} {h:02d}:00:00"
        for m, d, h in zip(
            rng.integers(1, 13, len(future)),
            rng.integers(1, 29, len(future)),
            rng.integers(0, 24, len(future)),
            strict=True,
        )
    ]
    table = _set(table, "ordered_at", future, future_values)
    table = _set(table, "currency", currency, ["XYZ"] * len(currency))
    table = _set(table, "order_id", missing, [None] * len(missing))
    keys_missing = [""] * len(missing)

    untouched = _all_rows_except(n, bad_ts, future, currency, missing, dup)
    table = _normalise_noise(
        rng, table, ("status", "channel", "currency", "shipping_country"), untouched, rate
    )
    copies = table.take(pa.array(dup, type=pa.int64()))
    table, pos_orig, pos_copy = _insert_copies(rng, table, copies, dup)

    for idx, reason in (
        (bad_ts, "unparseable_timestamp"),
        (future, "future_timestamp"),
        (currency, "unknown_currency"),
    ):
        log.add("orders", ids_of(table, pos_orig[idx]), pos_orig[idx], offset, reason)
    log.add("orders", keys_missing, pos_orig[missing], offset, "missing_key")
    log.add("orders", ids_of(table, pos_copy), pos_copy, offset, "duplicate_key")
    return OrderFaults(table, np.concatenate([bad_ts, future, currency, missing]))


def dirty_order_items(
    rng: np.random.Generator, table: pa.Table, offset: int, rate: float, log: FaultLog
) -> pa.Table:
    n = table.num_rows
    counts = _split(rng, n, rate, 5)
    number, orphan, negative, missing, dup = _victims(rng, np.arange(n), counts)

    # Unparseable numbers: a comma decimal or text in price, or a spelled quantity.
    in_qty = rng.random(len(number)) < 0.3
    qty_idx, price_idx = number[in_qty], number[~in_qty]
    words = ["two", "one", "three", "1.5x"]
    table = _set(table, "quantity", qty_idx, [words[k] for k in rng.integers(0, 4, len(qty_idx))])
    prices = _comma_decimal(_values(table, "unit_price", price_idx))
    prices = [p if rng.random() < 0.8 else "abc" for p in prices]
    table = _set(table, "unit_price", price_idx, prices)
    table = _set(
        table,
        "order_id",
        orphan,
        [f"O99{k:07d}" for k in rng.integers(0, 10_000_000, len(orphan))],
    )
    table = _set(
        table, "unit_price", negative, [f"-{v}" for v in _values(table, "unit_price", negative)]
    )
    table = _set(table, "order_item_id", missing, [None] * len(missing))
    copies = table.take(pa.array(dup, type=pa.int64()))
    table, pos_orig, pos_copy = _insert_copies(rng, table, copies, dup)

    for idx, reason in (
        (number, "unparseable_number"),
        (orphan, "orphan_order"),
        (negative, "negative_price"),
    ):
        log.add("order_items", ids_of(table, pos_orig[idx]), pos_orig[idx], offset, reason)
    log.add("order_items", [""] * len(missing), pos_orig[missing], offset, "missing_key")
    log.add("order_items", ids_of(table, pos_copy), pos_copy, offset, "duplicate_key")
    return table


def dirty_products(
    rng: np.random.Generator, table: pa.Table, offset: int, rate: float, log: FaultLog
) -> pa.Table:
    """Extra rows only: corrupting a real product would orphan its order lines."""
    n = table.num_rows
    missing_n, dup_n = _split(rng, n, rate, 2)
    blank_src = rng.choice(n, missing_n, replace=False)
    dup = np.sort(rng.choice(n, dup_n, replace=False))
    blanks = table.take(pa.array(blank_src, type=pa.int64()))
    blanks = blanks.set_column(0, "product_id", pa.nulls(len(blank_src), pa.string()))
    copies = pa.concat_tables([table.take(pa.array(dup, type=pa.int64())), blanks])
    src = np.concatenate([dup, np.sort(blank_src)])
    table, _, pos_copy = _insert_copies(rng, table, copies, src)
    k = len(dup)
    log.add("products", ids_of(table, pos_copy[:k]), pos_copy[:k], offset, "duplicate_key")
    log.add("products", [""] * len(blank_src), pos_copy[k:], offset, "missing_key")
    return table


def dirty_simple(
    rng: np.random.Generator,
    name: str,
    table: pa.Table,
    offset: int,
    rate: float,
    log: FaultLog,
    column: str,
    reason: str,
    make_bad: Callable[[list[str | None]], list[str | None]],
    pool: np.ndarray | None = None,
    key: Callable[[pa.Table, np.ndarray], list[str]] = ids_of,
) -> pa.Table:
    """One value fault plus exact duplicates, for the optional tables."""
    n = table.num_rows
    bad_n, dup_n = _split(rng, n, rate, 2)
    candidates = np.arange(n) if pool is None else pool
    bad, dup = _victims(rng, candidates, np.array([bad_n, dup_n]))
    table = _set(table, column, bad, make_bad(_values(table, column, bad)))
    copies = table.take(pa.array(dup, type=pa.int64()))
    table, pos_orig, pos_copy = _insert_copies(rng, table, copies, dup)
    log.add(name, key(table, pos_orig[bad]), pos_orig[bad], offset, reason)
    log.add(name, key(table, pos_copy), pos_copy, offset, "duplicate_key")
    return table


def fx_key(table: pa.Table, positions: np.ndarray) -> list[str]:
    """The fx key is composite: written as currency|rate_date."""
    cur = _values(table, "currency", positions)
    day = _values(table, "rate_date", positions)
    return [f"{c}|{d}" for c, d in zip(cur, day, strict=True)]


def bad_timestamps_like(rng: np.random.Generator) -> Callable[[list[str | None]], list[str | None]]:
    return lambda values: _bad_timestamps(rng, len(values))


def comma_numbers(values: list[str | None]) -> list[str | None]:
    return [("abc" if v is None or "." not in v else v.replace(".", ",")) for v in values]


def fx_pool(table: pa.Table, first_safe_day: int) -> np.ndarray:
    """fx rows after the first week: a lost rate then falls back to the day before."""
    days = pc.cast(pc.strptime(table.column("rate_date"), format="%Y-%m-%d", unit="s"), pa.int64())
    return np.flatnonzero(days.to_numpy() // SECONDS_PER_DAY >= first_safe_day)
