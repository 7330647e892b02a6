-- Clean orders with the exchange rate that converts them to the reporting currency.
-- Orders in the reporting currency (or with none) convert at 1; staging has already
-- quarantined currencies without a rate on or before the order date.
with

orders as (

    select * from {{ ref('stg_raw__orders') }}

),

fx_ranges as (

    select * from {{ ref('int_fx_rates__ranges') }}

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
        when orders.currency = '{{ var("reporting_currency") }}' then cast(1 as decimal(18, 8))
        else fx_ranges.rate_to_reporting
    end as rate_to_reporting
from orders
left join fx_ranges
    on
        orders.currency = fx_ranges.currency
        and orders.ordered_date_utc >= fx_ranges.valid_from
        and orders.ordered_date_utc < fx_ranges.valid_to
