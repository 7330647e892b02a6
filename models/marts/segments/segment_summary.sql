-- One row per segment type and value: size, share of customers and of revenue,
-- and average behaviour. Warning tests flag segments too small to act on and
-- segments holding almost everyone (vars min_segment_customers, max_segment_share).
with

memberships as (

    select * from {{ ref('int_segment_memberships') }}

),

assignments as (

    select * from {{ ref('int_customer_segment_values') }}

),

per_segment as (

    select
        memberships.segment_type,
        memberships.segment_value,
        max(memberships.as_of_date) as as_of_date,
        count(*) as customers,
        sum(assignments.net_revenue) as revenue,
        sum(assignments.qualifying_order_count) as qualifying_orders,
        -- summed as a decimal, then divided as a double: a sum of doubles depends on
        -- the order the threads add them in, and two builds on the same data must be
        -- byte-identical; avg(decimal) would keep 6 places on Spark (double elsewhere)
        {{ safe_divide('sum(assignments.net_revenue)', 'count(assignments.net_revenue)') }}
            as avg_net_revenue,
        avg(cast(assignments.qualifying_order_count as {{ type_double() }})) as avg_qualifying_orders,
        avg(cast(assignments.recency_days as {{ type_double() }})) as avg_recency_days,
        avg(cast(case when assignments.is_marketing_opt_in then 1 else 0 end as {{ type_double() }}))
            as opt_in_share
    from memberships
    inner join assignments
        on memberships.customer_id = assignments.customer_id
    group by memberships.segment_type, memberships.segment_value

),

per_type as (

    select
        segment_type,
        sum(customers) as type_customers,
        sum(revenue) as type_revenue
    from per_segment
    group by segment_type

)

select
    per_segment.segment_type,
    per_segment.segment_value,
    per_segment.as_of_date,
    cast(per_segment.customers as bigint) as customers,
    {{ safe_divide('per_segment.customers', 'per_type.type_customers') }} as share_of_customers,
    cast(per_segment.revenue as decimal(18, 2)) as revenue,
    {{ safe_divide('per_segment.revenue', 'per_type.type_revenue') }} as share_of_revenue,
    cast(per_segment.qualifying_orders as bigint) as qualifying_orders,
    per_segment.avg_net_revenue,
    per_segment.avg_qualifying_orders,
    per_segment.avg_recency_days,
    {{ safe_divide('per_segment.revenue', 'per_segment.qualifying_orders') }} as avg_order_value,
    cast(per_segment.opt_in_share as {{ type_double() }}) as opt_in_share
from per_segment
inner join per_type
    on per_segment.segment_type = per_type.segment_type
