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

from customer_segmentation.rfm_reference import REPORTING_CURRENCY, SEGMENT_MAP


def _table(raw_dir: Path, table: str) -> str:
    return "read_parquet('" + str(raw_dir / f"{table}.parquet").replace("'", "''") + "')"


def rfm_query(raw_dir: Path, segment_map: Path = SEGMENT_MAP,
              currency: str = REPORTING_CURRENCY, as_of_date: date | None = None) -> str:
    """The baseline query: one row per known customer, customer_rfm's columns.

    ``as_of_date``: the date to compute for; default the day after the latest order.
    """
    seeds = "'" + str(segment_map).replace("'", "''") + "'"
    as_of = (
        f"select date '{as_of_date.isoformat()}' as as_of_date"
        if as_of_date is not None
        else "select max(order_date) + 1 as as_of_date from usable"
    )
    return f"""
with
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
    select
        trim(items.order_id) as order_id,
        cast(items.quantity as integer) as quantity,
        cast(items.unit_price as decimal(18, 4)) as unit_price,
        coalesce(cast(nullif(trim(items.discount_amount), '') as decimal(18, 4)), 0) as discount
    from {_table(raw_dir, 'order_items')} as items
    left join {_table(raw_dir, 'products')} as products
        on trim(items.product_id) = trim(products.product_id)
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


def duckdb_rfm(raw_dir: Path, as_of_date: date | None = None) -> pa.Table:
    """Run the baseline query on an in-memory DuckDB (all cores, default memory limit)."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con.sql(rfm_query(raw_dir, as_of_date=as_of_date)).to_arrow_table()
