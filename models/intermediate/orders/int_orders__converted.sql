-- Clean orders with the exchange rate that converts them to the reporting currency.
-- Orders in the reporting currency (or with none) convert at 1; staging has already
-- quarantined currencies without a rate on or before the order date.
-- Incremental (doc block `incremental_order_facts`): a build recomputes the orders
-- loaded since the last one, those on or after the earliest newly loaded fx rate,
-- and the last `incremental_lookback_days` days; a replaced load or other settings
-- are pruned first (macros/incremental/order_facts.sql).
-- depends_on: {{ ref('stg_raw__fx_rates') }}
-- depends_on: {{ ref('base_raw__orders') }} (the prune pre-hook reads its changed rows)
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_order_facts('order_id', ref('stg_raw__orders'), seeds=order_fact_seeds(),
                                     base=ref('base_raw__orders')) }}",
    )
}}

with

{% if is_incremental() -%}
stored as (

    -- What earlier builds covered (read after the prune pre-hook).
    select
        max(_loaded_at) as loaded_through,
        max(ordered_date_utc) as latest_order_date
    from {{ this }}

),

late_rates as (

    -- A rate loaded later can change the rate of every order from its date on.
    select min(fx_rates.rate_date) as earliest_rate_date
    from {{ ref('stg_raw__fx_rates') }} as fx_rates
    cross join stored
    where fx_rates._loaded_at > stored.loaded_through

),

{% endif -%}

orders as (

    select stg_orders.*
    from {{ ref('stg_raw__orders') }} as stg_orders
    {%- if is_incremental() %}
    cross join stored
    cross join late_rates
    where
        stored.loaded_through is null
        or stg_orders._loaded_at > stored.loaded_through
        or stg_orders.ordered_date_utc >= late_rates.earliest_rate_date
        or stg_orders.ordered_date_utc >= {{ dbt.dateadd(
            'day', -validated_int_var('incremental_lookback_days'), 'stored.latest_order_date') }}
    {%- endif %}

),

fx_ranges as (

    select * from {{ ref('int_fx_rates__ranges') }}

),

order_day_rates as (

    -- The range join runs on the distinct (currency, day) pairs only, a few
    -- thousand rows; orders then join on equality. Joining every order to the
    -- ranges cost 31 s at 11.8M orders (bench/README.md, "Findings").
    select
        order_days.currency,
        order_days.ordered_date_utc,
        fx_ranges.rate_to_reporting
    from (
        select distinct
            currency,
            ordered_date_utc
        from orders
        where currency != '{{ validated_currency_var() }}'
    ) as order_days
    inner join fx_ranges
        on
            order_days.currency = fx_ranges.currency
            and order_days.ordered_date_utc >= fx_ranges.valid_from
            and order_days.ordered_date_utc < fx_ranges.valid_to

)

select
    orders.order_id,
    orders.customer_id,
    orders.ordered_at,
    orders.ordered_date_utc,
    orders.status,
    orders.channel,
    orders.currency,
    orders.is_gift,
    orders.has_promo_code,
    orders.shipping_country_code,
    case
        when orders.currency = '{{ validated_currency_var() }}' then cast(1 as decimal(18, 8))
        else order_day_rates.rate_to_reporting
    end as rate_to_reporting,

    -- incremental bookkeeping
    orders._loaded_at,
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_fact_seeds()) }} as _build_settings
from orders
left join order_day_rates
    on
        orders.currency = order_day_rates.currency
        and orders.ordered_date_utc = order_day_rates.ordered_date_utc
