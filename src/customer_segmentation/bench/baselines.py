"""Baseline (a): customer_rfm in one hand-written DuckDB query over the raw Parquet files.

Written from the documented rules (interface.md, customer_rfm), not from the
project's SQL: timestamps with offsets to UTC; status NULL = completed; currency
NULL = the reporting currency; the latest fx rate on or before the order's UTC
date (orders in another currency with none are dropped, as staging quarantines
them); non_product lines excluded; each line converted and kept to 4 decimals
as the warehouse stores it; frequency counts completed orders with a positive
net amount before as_of_date; monetary sums completed and returned orders;
scores are 1 + floor(5 * (rank - 1) / n) on min ranks from worst to best. Like
the pandas reference it implements the rules for clean data only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from customer_segmentation.bench.data import sql_path
from customer_segmentation.rfm_reference import REPORTING_CURRENCY, SEGMENT_MAP


def _table(raw_dir: Path, table: str, file_row_number: bool = False) -> str:
    """The raw file; ``file_row_number``: with its row number, to keep the first row
    of a repeated key."""
    options = ", file_row_number = true" if file_row_number else ""
    return f"read_parquet({sql_path(raw_dir / f'{table}.parquet')}{options})"


def _plain_inputs(raw_dir: Path, currency: str) -> str:
    """The CTEs `orders`, `fx` and `order_lines`, cast from the raw text as it comes."""
    return f"""
orders as (
    select
        trim(order_id) as order_id,
        nullif(trim(customer_id), '') as customer_id,
        cast(cast(ordered_at as timestamptz) as timestamp) as ordered_at,
        cast(cast(cast(ordered_at as timestamptz) as timestamp) as date) as order_date,
        coalesce(nullif(lower(trim(status)), ''), 'completed') as status,
        coalesce(nullif(upper(trim(currency)), ''), '{currency}') as currency
    from {_table(raw_dir, 'orders')}
),
fx as (
    select
        upper(trim(currency)) as currency,
        cast(rate_date as date) as rate_date,
        cast(rate_to_reporting as decimal(18, 8)) as rate
    from {_table(raw_dir, 'fx_rates')}
),
order_lines as (
    select
        trim(order_id) as order_id,
        trim(product_id) as product_id,
        cast(quantity as integer) as quantity,
        cast(unit_price as decimal(18, 4)) as unit_price,
        coalesce(cast(nullif(trim(discount_amount), '') as decimal(18, 4)), 0) as discount
    from {_table(raw_dir, 'order_items')}
)"""


# The raw contract's grammar (../shared/raw-contract.md, "Types"), as the staging
# layer checks it; written again here because a baseline must not reuse the
# project's SQL.
_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"
_INT = "[+-]?[0-9]{1,18}"
_DECIMAL = "[+-]?([0-9]{1,13}([.][0-9]*)?|[.][0-9]+)"
_TIMESTAMP = ("[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?"
              "(Z|[+-][0-9]{2}(:?[0-9]{2})?)?")
_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _text(column: str) -> str:
    """Trimmed of whitespace, empty as NULL."""
    return f"nullif(trim({column}, {_WHITESPACE}), '')"


def _parsed(column: str, pattern: str, cast: str) -> str:
    """NULL unless the text matches the contract's grammar for its type."""
    return (f"case when regexp_full_match({_text(column)}, '{pattern}') "
            f"then {cast.format(_text(column))} end")


def _first_of_each_key(name: str, rows: str, key: str, columns: str) -> str:
    """CTEs ending in ``name``: ``columns`` of the first row (by file row) of each
    ``key`` in CTE ``rows``.

    Only the rows of repeated keys go through the window: the cheapest exact form
    measured on 28M lines (see bench/README.md, "Validation alone").
    """
    return f"""{name}_repeated as (
    select {key} from {rows} group by {key} having count(*) > 1
),
{name} as (
    select {columns} from {rows}
    where {key} not in (select {key} from {name}_repeated)
    union all
    select {columns} from {rows}
    where {key} in (select {key} from {name}_repeated)
    qualify row_number() over (partition by {key} order by file_row_number) = 1
)"""


def _validated_inputs(raw_dir: Path, currency: str) -> str:
    """`orders`, `fx` and `order_lines` with the raw contract's checks applied.

    What staging quarantines on the three tables that decide which orders and
    lines count: missing keys; text that does not parse as its type; a status
    outside the four known; an order or rate after now; a non-positive rate; an
    order in a currency without a rate on or before its day; a negative price; a
    quantity beyond max_line_quantity (10000); a line of an order with no clean
    row; and every repeated key after its first row (the first clean row of a key
    is kept). Customers and products are read as the plain query reads them.
    """
    return f"""
fx_checked as (
    select
        upper({_text('currency')}) as currency,
        {_parsed('rate_date', _DATE, 'try_cast({} as date)')} as rate_date,
        {_parsed('rate_to_reporting', _DECIMAL, 'cast({} as decimal(18, 8))')} as rate,
        file_row_number
    from {_table(raw_dir, 'fx_rates', file_row_number=True)}
),
fx_clean as (
    select * from fx_checked
    where currency is not null and rate_date is not null and rate > 0
      and rate_date <= cast(now() as date)
),
fx as (
    select currency, rate_date, rate from fx_clean
    qualify row_number() over (partition by currency, rate_date order by file_row_number) = 1
),
fx_coverage as (
    select currency, min(rate_date) as first_rate_date from fx group by currency
),
orders_typed as (
    select
        {_text('order_id')} as order_id,
        {_text('customer_id')} as customer_id,
        {_parsed('ordered_at', _TIMESTAMP, 'cast(try_cast({} as timestamptz) as timestamp)')}
            as ordered_at,
        coalesce(replace(replace(lower({_text('status')}), '-', '_'), ' ', '_'), 'completed')
            as status,
        coalesce(upper({_text('currency')}), '{currency}') as currency,
        {_text('is_gift')} is not null
            and lower({_text('is_gift')})
                not in ('true', '1', 'yes', 't', 'y', 'false', '0', 'no', 'f', 'n')
            as bad_is_gift,
        file_row_number
    from {_table(raw_dir, 'orders', file_row_number=True)}
),
orders_checked as (
    select
        orders_typed.*,
        orders_typed.order_id is not null
        and orders_typed.ordered_at is not null
        and not orders_typed.bad_is_gift
        and orders_typed.status in ('completed', 'cancelled', 'returned', 'pending')
        and orders_typed.ordered_at <= cast(now() as timestamp)
        and (orders_typed.currency = '{currency}'
             or cast(orders_typed.ordered_at as date) >= fx_coverage.first_rate_date)
            as is_clean
    from orders_typed
    left join fx_coverage on orders_typed.currency = fx_coverage.currency
),
orders_clean as (select * from orders_checked where is_clean),
{_first_of_each_key(
    'orders', 'orders_clean', 'order_id',
    'order_id, customer_id, ordered_at, cast(ordered_at as date) as order_date, status, currency')},
lines_typed as (
    select
        {_text('order_item_id')} as order_item_id,
        {_text('order_id')} as order_id,
        {_text('product_id')} as product_id,
        {_parsed('quantity', _INT, 'cast({} as bigint)')} as quantity,
        {_parsed('unit_price', _DECIMAL, 'cast({} as decimal(18, 4))')} as unit_price,
        {_text('discount_amount')} is not null as has_discount,
        {_parsed('discount_amount', _DECIMAL, 'cast({} as decimal(18, 4))')} as discount,
        file_row_number
    from {_table(raw_dir, 'order_items', file_row_number=True)}
),
lines_checked as (
    select
        lines_typed.*,
        -- one flag over the typed columns: in a trial, the same conditions in a WHERE
        -- were pushed into the scan and trimmed and parsed every value a second time
        case
            when lines_typed.order_item_id is null or lines_typed.order_id is null
                 or lines_typed.product_id is null or lines_typed.quantity is null
                 or lines_typed.unit_price is null
                 or (lines_typed.has_discount and lines_typed.discount is null)
                 or lines_typed.unit_price < 0 or abs(lines_typed.quantity) > 10000
                 or clean_order_ids.order_id is null
                then false
            else true
        end as is_clean
    from lines_typed
    left join (select distinct order_id from orders_clean) as clean_order_ids
        on lines_typed.order_id = clean_order_ids.order_id
),
lines_clean as (
    select
        order_item_id, order_id, product_id, quantity, unit_price,
        coalesce(discount, 0) as discount, file_row_number
    from lines_checked
    where is_clean
),
{_first_of_each_key(
    'order_lines', 'lines_clean', 'order_item_id',
    'order_id, product_id, quantity, unit_price, discount')}"""


def validated_rfm_query(raw_dir: Path, segment_map: Path = SEGMENT_MAP,
                        currency: str = REPORTING_CURRENCY,
                        as_of_date: date | None = None) -> str:
    """Baseline (c): the baseline query with the raw contract's checks (_validated_inputs).

    What validation alone costs, written as one query: no quarantine tables, no
    writes, no tests. On clean data it answers as the plain query does.
    """
    return _rfm_from(_validated_inputs(raw_dir, currency), raw_dir, segment_map, currency,
                     as_of_date)


def rfm_query(raw_dir: Path, segment_map: Path = SEGMENT_MAP,
              currency: str = REPORTING_CURRENCY, as_of_date: date | None = None) -> str:
    """The baseline query: one row per known customer, customer_rfm's columns.

    ``as_of_date``: the date to compute for; default the day after the latest order.
    """
    return _rfm_from(_plain_inputs(raw_dir, currency), raw_dir, segment_map, currency,
                     as_of_date)


def _rfm_from(inputs: str, raw_dir: Path, segment_map: Path, currency: str,
              as_of_date: date | None) -> str:
    """customer_rfm from the CTEs `orders`, `fx` and `order_lines` that ``inputs`` defines."""
    seeds = sql_path(segment_map)
    as_of = (
        f"select date '{as_of_date.isoformat()}' as as_of_date"
        if as_of_date is not None
        else "select max(order_date) + 1 as as_of_date from usable"
    )
    return f"""
with
{inputs},
converted as (
    select
        orders.*,
        case when orders.currency = '{currency}' then cast(1 as decimal(18, 8)) else fx.rate end
            as rate
    from orders
    asof left join fx
        on orders.currency = fx.currency and orders.order_date >= fx.rate_date
),
usable as (
    select * from converted where rate is not null
),
as_of as (
    {as_of}
),
merchandise as (
    select order_lines.*
    from order_lines
    left join {_table(raw_dir, 'products')} as products
        on order_lines.product_id = trim(products.product_id)
    where coalesce(lower(trim(products.category)), '') != 'non_product'
),
order_net as (
    select
        merchandise.order_id,
        sum(cast((merchandise.quantity * merchandise.unit_price - merchandise.discount)
                 * usable.rate as decimal(18, 4))) as net
    from merchandise
    join usable on merchandise.order_id = usable.order_id
    group by merchandise.order_id
),
before as (
    select usable.customer_id, usable.order_date, usable.status,
           coalesce(order_net.net, 0) as net
    from usable
    cross join as_of
    left join order_net on usable.order_id = order_net.order_id
    where usable.customer_id is not null
      and usable.ordered_at < cast(as_of.as_of_date as timestamp)
),
per_customer as (
    select
        customer_id,
        count(*) filter (where status = 'completed' and net > 0) as frequency,
        max(order_date) filter (where status = 'completed' and net > 0) as last_order_date,
        sum(net) filter (where status in ('completed', 'returned')) as monetary
    from before
    group by customer_id
),
known as (
    select trim(customer_id) as customer_id
    from {_table(raw_dir, 'customers')}
    cross join as_of
    where signup_at is null or trim(signup_at) = ''
       or cast(cast(signup_at as timestamptz) as timestamp) < cast(as_of.as_of_date as timestamp)
    union
    select customer_id from before
),
rfm as (
    select
        known.customer_id,
        as_of.as_of_date,
        case when per_customer.frequency > 0
            then per_customer.last_order_date - as_of.as_of_date end as recency_neg,
        coalesce(per_customer.frequency, 0) as frequency,
        cast(coalesce(per_customer.monetary, 0) as decimal(18, 2)) as monetary
    from known
    cross join as_of
    left join per_customer on known.customer_id = per_customer.customer_id
),
scored as (
    select
        customer_id,
        cast(1 + floor(5 * (rank() over (order by recency_neg) - 1)
             / count(*) over ()) as integer) as r_score,
        cast(1 + floor(5 * (rank() over (order by frequency) - 1)
             / count(*) over ()) as integer) as f_score,
        cast(1 + floor(5 * (rank() over (order by monetary) - 1)
             / count(*) over ()) as integer) as m_score
    from rfm
    where frequency > 0
),
segment_map as (
    select * from read_csv({seeds}, header = true)
)
select
    rfm.customer_id,
    rfm.as_of_date,
    -rfm.recency_neg as recency_days,
    rfm.frequency,
    rfm.monetary,
    scored.r_score,
    scored.f_score,
    scored.m_score,
    coalesce(segment_map.rfm_segment, 'prospect') as rfm_segment
from rfm
left join scored on rfm.customer_id = scored.customer_id
left join segment_map
    on scored.r_score = segment_map.r_score
   and scored.f_score = segment_map.f_score
   and scored.m_score = segment_map.m_score
"""


def duckdb_rfm(raw_dir: Path, as_of_date: date | None = None,
               validated: bool = False) -> pa.Table:
    """Run baseline (a), or (c) when ``validated``, on an in-memory DuckDB (all cores,
    default memory limit)."""
    query = validated_rfm_query if validated else rfm_query
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con.sql(query(raw_dir, as_of_date=as_of_date)).to_arrow_table()
