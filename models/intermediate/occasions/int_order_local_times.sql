-- One row per clean order: the country whose calendar, time zone and seasons the
-- order is read in (doc block occasion_country), and the order's local time.
-- Not cut at as_of_date: point-in-time models filter.
-- Incremental (doc block `incremental_order_occasions`): a build recomputes the
-- orders int_orders__converted refreshed since the last one and the orders of
-- customers whose clean row base_raw__customers wrote since (a new load, or a row
-- whose verdict changed: their country may have changed).
-- Reads int_orders__converted, not int_orders: nothing here depends on the order's
-- lines, and the occasion chain then runs beside int_order_lines and int_orders
-- instead of after them (bench/README.md, "Incremental builds (stop 19)").
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_order_facts('order_id', ref('int_orders__converted'), ['_customer_loaded_at'], order_occasion_seeds(),
                                     one_row_per_upstream_key=true) }}",
    )
}}

with

customers as (

    select
        customer_id,
        country_code,
        _loaded_at,
        _refreshed_at
    from {{ ref('stg_raw__customers') }}

),

{% if is_incremental() -%}
stored as (

    select max(_refreshed_at) as refreshed_through
    from {{ this }}

),

changed_customers as (

    -- not _loaded_at: a row quarantined as future_timestamp is cleared by a
    -- later build, after rows loaded later may have been read here
    select customers.customer_id
    from customers
    cross join stored
    where customers._refreshed_at > stored.refreshed_through

),

{% endif -%}

orders as (

    select
        converted.order_id,
        converted.customer_id,
        converted.ordered_at,
        converted.shipping_country_code
    from {{ ref('int_orders__converted') }} as converted
    {%- if is_incremental() %}
    cross join stored
    {{ left_join_key_set('changed', 'changed_customers', 'customer_id', 'converted.customer_id') }}
    where
        stored.refreshed_through is null
        or converted._refreshed_at > stored.refreshed_through
        or changed.customer_id is not null
    {%- endif %}

),

countries as (

    select
        country_code,
        timezone,
        hemisphere
    from {{ ref('countries') }}

),

calendar_countries as (

    select distinct country_code
    from {{ ref('occasion_calendar') }}

),

located as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        customers._loaded_at as customer_loaded_at,
        case
            when customers.country_code is not null and customers.country_code != 'unknown'
                then customers.country_code
            when orders.shipping_country_code is not null and orders.shipping_country_code != 'unknown'
                then orders.shipping_country_code
        end as occasion_country_code
    from orders
    left join customers
        on orders.customer_id = customers.customer_id

),

localised as (

    select
        located.order_id,
        located.customer_id,
        located.occasion_country_code,
        calendar_countries.country_code is not null as has_occasion_calendar,
        coalesce(countries.timezone, 'UTC') as timezone,
        coalesce(countries.hemisphere, 'unknown') as hemisphere,
        located.ordered_at,
        located.customer_loaded_at,
        {{ local_timestamp('located.ordered_at', "coalesce(countries.timezone, 'UTC')") }} as ordered_at_local
    from located
    left join countries
        on located.occasion_country_code = countries.country_code
    left join calendar_countries
        on located.occasion_country_code = calendar_countries.country_code

)

select
    -- ids
    order_id,
    customer_id,

    -- geography
    occasion_country_code,
    has_occasion_calendar,
    timezone,
    hemisphere,

    -- timestamps
    ordered_at,
    cast(ordered_at_local as timestamp) as ordered_at_local,
    cast(ordered_at_local as date) as order_date_local,

    -- local calendar attributes
    {{ iso_day_of_week('cast(ordered_at_local as date)') }} in (6, 7) as is_weekend,
    {{ daypart(date_part_int('hour', 'ordered_at_local')) }} as daypart,
    {{ meteorological_season(date_part_int('month', 'ordered_at_local'), 'hemisphere') }} as season,

    -- incremental bookkeeping
    customer_loaded_at as _customer_loaded_at,
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_occasion_seeds()) }} as _build_settings
from localised
