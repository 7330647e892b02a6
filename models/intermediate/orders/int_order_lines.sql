-- Clean order lines with product attributes and amounts in the reporting currency.
with

order_items as (

    select * from {{ ref('stg_raw__order_items') }}

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
    ) as line_net_amount

from order_items
inner join orders
    on order_items.order_id = orders.order_id
left join products
    on order_items.product_id = products.product_id
