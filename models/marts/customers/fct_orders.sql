-- One row per order placed before as_of_date, guests included (customer_id NULL),
-- with net amount in the reporting currency and the order's occasion attributes.
-- Incremental (doc block `incremental_fct_orders`): a build writes the orders
-- int_orders or int_order_occasions refreshed since, and the orders from the
-- latest stored one up to the cut; a pre-hook deletes orders no longer before it.
-- on_schema_change is not 'fail': on PostgreSQL the batch's temporary table has
-- `text` where the contracted table has `varchar`, which 'fail' reports as a schema
-- change. The enforced contract already checks every column's name and type.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ prune_orders_outside_the_cut() }}",
    )
}}

with

{% if is_incremental() -%}
stored as (

    select
        max(_refreshed_at) as refreshed_through,
        max(ordered_at) as latest_ordered_at
    from {{ this }}

),

recomputed_orders as (

    -- The stored orders are every order before some earlier cut (the pre-hook
    -- keeps it so), so the orders missing are the refreshed ones and those from
    -- the latest stored order on.
    select orders.order_id
    from {{ ref('int_orders') }} as orders
    cross join stored
    where
        orders._refreshed_at > stored.refreshed_through
        or orders.ordered_at >= stored.latest_ordered_at
        or stored.refreshed_through is null
    union
    select occasions.order_id
    from {{ ref('int_order_occasions') }} as occasions
    cross join stored
    where occasions._refreshed_at > stored.refreshed_through

),

{% endif -%}

orders as (

    select
        orders.*,
        -- occasion attributes (models/intermediate/occasions)
        occasions.occasion_country_code,
        occasions.has_occasion_calendar,
        occasions.ordered_at_local,
        occasions.order_date_local,
        occasions.occasion_name,
        occasions.occasion_type,
        occasions.occasion_date,
        occasions.is_occasion_window,
        occasions.is_holiday_window,
        occasions.is_birthday_window,
        occasions.is_first_purchase_anniversary_window,
        occasions.is_promotion,
        occasions.is_weekend,
        occasions.daypart,
        occasions.season,
        occasions.primary_occasion
    from {{ ref('int_orders') }} as orders
    left join {{ ref('int_order_occasions') }} as occasions
        on orders.order_id = occasions.order_id
    where orders.ordered_at < cast({{ as_of_date() }} as timestamp)
    {%- if is_incremental() %}
        and orders.order_id in (select recomputed_orders.order_id from recomputed_orders)
    {%- endif %}

)

select
    -- ids
    order_id,
    customer_id,

    -- timestamps
    ordered_at,
    ordered_date_utc as order_date,

    -- attributes
    status,
    channel,
    currency,
    shipping_country_code,
    is_guest,
    is_qualifying,

    -- numerics (reporting currency)
    cast(net_amount as decimal(18, 2)) as net_amount,
    cast(non_product_amount as decimal(18, 2)) as non_product_amount,
    cast(units as bigint) as units,
    line_count,

    -- occasion flags
    is_gift,
    has_promo_code,

    -- occasions, in the order's local time and country (doc blocks in
    -- models/intermediate/occasions/_occasions__docs.md)
    occasion_country_code,
    has_occasion_calendar,
    ordered_at_local,
    order_date_local,
    occasion_name,
    occasion_type,
    occasion_date,
    is_occasion_window,
    is_holiday_window,
    is_birthday_window,
    is_first_purchase_anniversary_window,
    is_promotion,
    is_weekend,
    daypart,
    season,
    primary_occasion,

    -- incremental bookkeeping
    {{ build_run_timestamp() }} as _refreshed_at
from orders
