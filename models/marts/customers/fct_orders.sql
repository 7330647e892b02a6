-- One row per order placed before as_of_date, guests included (customer_id NULL),
-- with net amount in the reporting currency and the order's occasion attributes.
with

orders as (

    select * from {{ ref('int_orders') }}
    where ordered_at < cast({{ as_of_date() }} as timestamp)

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
    has_promo_code
from orders
