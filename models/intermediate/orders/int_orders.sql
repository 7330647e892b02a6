-- One row per clean order: amounts in the reporting currency and the flags every
-- downstream rule uses. Not yet cut at as_of_date: point-in-time models filter.
with

orders as (

    select * from {{ ref('int_orders__converted') }}

),

lines as (

    select
        order_id,
        count(*) as line_count,
        sum(case when is_non_product then 0 else quantity end) as units,
        sum(case when is_return_line then 1 else 0 end) as return_line_count,
        sum(case when is_non_product then 0 else line_net_amount end) as net_amount,
        sum(case when is_non_product then line_net_amount else 0 end) as non_product_amount
    from {{ ref('int_order_lines') }}
    group by order_id

)

select
    -- ids
    orders.order_id,
    orders.customer_id,

    -- attributes
    orders.status,
    orders.channel,
    orders.currency,
    orders.is_gift,
    orders.has_promo_code,
    orders.shipping_country_code,
    orders.customer_id is null as is_guest,

    -- timestamps
    orders.ordered_at,
    orders.ordered_date_utc,

    -- numerics (reporting currency)
    orders.rate_to_reporting,
    coalesce(lines.line_count, 0) as line_count,
    coalesce(lines.units, 0) as units,
    coalesce(lines.return_line_count, 0) as return_line_count,
    cast(coalesce(lines.net_amount, 0) as decimal(18, 4)) as net_amount,
    cast(coalesce(lines.non_product_amount, 0) as decimal(18, 4)) as non_product_amount,

    -- qualifying order (doc block qualifying_order); the as_of_date cut is applied downstream
    (
        orders.status = 'completed'
        and coalesce(lines.net_amount, 0) > 0
        and orders.customer_id is not null
    ) as is_qualifying,

    -- monetary counts completed and returned orders (returns reduce it)
    orders.status in ('completed', 'returned') as counts_toward_monetary

from orders
left join lines
    on orders.order_id = lines.order_id
