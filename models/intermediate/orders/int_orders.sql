-- One row per clean order: amounts in the reporting currency and the flags every
-- downstream rule uses. Not yet cut at as_of_date: point-in-time models filter.
-- Incremental (doc block `incremental_order_facts`): a build recomputes the orders
-- whose converted order or any of whose lines were refreshed since the last one.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_order_facts('order_id', ref('int_orders__converted'), seeds=order_fact_seeds(),
                                     one_row_per_upstream_key=true) }}",
    )
}}

with

{% if is_incremental() -%}
stored as (

    select max(_refreshed_at) as refreshed_through
    from {{ this }}

),

refreshed_orders as (

    select converted.order_id
    from {{ ref('int_orders__converted') }} as converted
    cross join stored
    where converted._refreshed_at > stored.refreshed_through or stored.refreshed_through is null
    union
    select order_lines.order_id
    from {{ ref('int_order_lines') }} as order_lines
    cross join stored
    where order_lines._refreshed_at > stored.refreshed_through

),

{% endif -%}

orders as (

    select * from {{ ref('int_orders__converted') }}
    {%- if is_incremental() %}
    where order_id in (select refreshed_orders.order_id from refreshed_orders)
    {%- endif %}

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
    {%- if is_incremental() %}
    where order_id in (select refreshed_orders.order_id from refreshed_orders)
    {%- endif %}
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
    orders.status in ('completed', 'returned') as counts_toward_monetary,

    -- incremental bookkeeping
    orders._loaded_at,
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_fact_seeds()) }} as _build_settings

from orders
left join lines
    on orders.order_id = lines.order_id
