-- Clean order lines with product attributes and amounts in the reporting currency.
-- Incremental (doc block `incremental_order_facts`): a build recomputes the lines
-- loaded since the last one, the lines of orders int_orders__converted refreshed
-- since, and the lines of products loaded since.
-- depends_on: {{ ref('base_raw__order_items') }} (the prune pre-hook reads its changed rows)
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_item_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_order_facts('order_item_id', ref('stg_raw__order_items'), seeds=order_fact_seeds(),
                                     base=ref('base_raw__order_items')) }}",
    )
}}

with

{% if is_incremental() -%}
stored as (

    select
        max(_loaded_at) as loaded_through,
        max(_refreshed_at) as refreshed_through
    from {{ this }}

),

refreshed_orders as (

    select converted.order_id
    from {{ ref('int_orders__converted') }} as converted
    cross join stored
    where converted._refreshed_at > stored.refreshed_through

),

loaded_products as (

    select stg_products.product_id
    from {{ ref('stg_raw__products') }} as stg_products
    cross join stored
    where stg_products._loaded_at > stored.loaded_through

),

{% endif -%}

-- Materialized on an incremental build: inlined, the optimizer joined every line
-- with every order before filtering (macro as_materialized).
order_items {{ as_materialized(when=is_incremental()) }} (

    select stg_order_items.*
    from {{ ref('stg_raw__order_items') }} as stg_order_items
    {%- if is_incremental() %}
    cross join stored
    {{ left_join_key_set('refreshed', 'refreshed_orders', 'order_id', 'stg_order_items.order_id') }}
    {{ left_join_key_set('loaded', 'loaded_products', 'product_id', 'stg_order_items.product_id') }}
    where
        stored.loaded_through is null
        or stg_order_items._loaded_at > stored.loaded_through
        or refreshed.order_id is not null
        or loaded.product_id is not null
    {%- endif %}

),

products as (

    select * from {{ ref('stg_raw__products') }}

),

orders as (

    select * from {{ ref('int_orders__converted') }}

)

select
    -- ids
    order_items.order_item_id,
    order_items.order_id,
    order_items.product_id,
    orders.customer_id,

    -- product (lines whose product is not in the catalogue count as uncategorised)
    coalesce(products.category, 'uncategorised') as category,
    coalesce(products.tags, '') as tags,
    coalesce(products.is_non_product, false) as is_non_product,

    -- numerics (reporting currency)
    order_items.quantity,
    order_items.is_return_line,
    cast(
        order_items.line_net_amount * orders.rate_to_reporting as decimal(18, 4)
    ) as line_net_amount,

    -- incremental bookkeeping
    order_items._loaded_at,
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_fact_seeds()) }} as _build_settings

from order_items
inner join orders
    on order_items.order_id = orders.order_id
left join products
    on order_items.product_id = products.product_id
