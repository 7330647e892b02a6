-- Revenue in fct_orders reconciles to the clean order lines: every clean order
-- placed before as_of_date is in fct_orders exactly once (and nothing else is),
-- with as many lines as staging holds for it and a net amount equal to the sum of
-- its product lines' net amounts at the order's rate. The rate itself is tested by
-- the unit test on int_orders__converted; this test proves that no clean line is
-- lost or counted twice on the way to the mart. Returns the orders that disagree.
with

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

clean_orders as (

    select
        orders.order_id,
        converted.rate_to_reporting
    from {{ ref('stg_raw__orders') }} as orders
    cross join as_of
    left join {{ ref('int_orders__converted') }} as converted
        on orders.order_id = converted.order_id
    where orders.ordered_at < cast(as_of.as_of_date as timestamp)

),

clean_lines as (

    select
        items.order_id,
        count(*) as line_count,
        sum(
            case when products.is_non_product then 0 else items.line_net_amount end
        ) as net_amount_in_order_currency
    from {{ ref('stg_raw__order_items') }} as items
    left join {{ ref('stg_raw__products') }} as products
        on items.product_id = products.product_id
    group by items.order_id

),

expected as (

    select
        clean_orders.order_id,
        coalesce(clean_lines.line_count, 0) as line_count,
        coalesce(clean_lines.net_amount_in_order_currency, 0)
        * clean_orders.rate_to_reporting as net_amount
    from clean_orders
    left join clean_lines
        on clean_orders.order_id = clean_lines.order_id

),

mart as (

    select
        order_id,
        line_count,
        net_amount
    from {{ ref('fct_orders') }}

)

select
    coalesce(expected.order_id, mart.order_id) as order_id,
    expected.line_count as expected_line_count,
    mart.line_count as mart_line_count,
    expected.net_amount as expected_net_amount,
    mart.net_amount as mart_net_amount
from expected
full outer join mart
    on expected.order_id = mart.order_id
where
    expected.order_id is null
    or mart.order_id is null
    or expected.line_count != mart.line_count
    or expected.net_amount is null
    -- the mart rounds each line to 4 decimals and the order to 2
    or abs(expected.net_amount - mart.net_amount) > 0.01
