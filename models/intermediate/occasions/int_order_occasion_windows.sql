-- One row per clean order and occasion-calendar window its local date falls in
-- (doc block occasion_window), in the order's occasion country. `window_rank` 1
-- is the window the order is attributed to (doc block occasion_window_precedence).
-- Incremental (doc block `incremental_order_occasions`): a build recomputes the
-- windows of the orders int_order_local_times refreshed since the last one.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "{{ prune_order_facts('order_id', ref('int_order_local_times'), [], order_occasion_seeds()) }}",
            "{{ prune_recomputed_orders(ref('int_order_local_times')) }}",
        ],
    )
}}

with

{% if is_incremental() -%}
stored as (

    select max(_refreshed_at) as refreshed_through
    from {{ this }}

),

{% endif -%}

local_times as (

    select
        int_order_local_times.order_id,
        int_order_local_times.customer_id,
        int_order_local_times.occasion_country_code,
        int_order_local_times.order_date_local
    from {{ ref('int_order_local_times') }} as int_order_local_times
    {%- if is_incremental() %}
    cross join stored
    where
        stored.refreshed_through is null
        or int_order_local_times._refreshed_at > stored.refreshed_through
    {%- endif %}

),

window_days as (

    select * from {{ ref('int_occasion_window_days') }}

),

matched as (

    select
        local_times.order_id,
        local_times.customer_id,
        local_times.occasion_country_code,
        local_times.order_date_local,
        window_days.occasion_date,
        window_days.occasion_name,
        window_days.occasion_label,
        window_days.occasion_type,
        window_days.days_before
    from local_times
    inner join window_days
        on
            local_times.occasion_country_code = window_days.country_code
            and local_times.order_date_local = window_days.shopping_date

)

select
    order_id,
    customer_id,
    occasion_country_code,
    order_date_local,
    occasion_date,
    occasion_name,
    occasion_label,
    occasion_type,
    days_before,
    {{ is_shopping_holiday('occasion_type') }} as is_shopping_holiday,
    row_number() over (
        partition by order_id
        order by
            case when {{ is_shopping_holiday('occasion_type') }} then 0 else 1 end,
            days_before,
            {{ occasion_type_priority('occasion_type') }},
            occasion_name
    ) as window_rank,

    -- incremental bookkeeping
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_occasion_seeds()) }} as _build_settings
from matched
