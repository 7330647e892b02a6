-- One row per customer known at as_of_date: how their qualifying orders before
-- as_of_date split over occasions (shares of orders and of revenue), their
-- typical buying occasions and their occasion persona (doc block occasion_persona),
-- and what upcoming_occasions needs of their order history (first purchase, latest
-- order's country), so that it does not scan every order each build.
-- Incremental (doc block `incremental_customer_features`): a build recomputes only
-- the customers whose orders before as_of_date, or their occasions, may have changed.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_customer_rows(ref('int_customer_status__current')) }}",
    )
}}

with

{{ recomputed_customers_ctes(ref('int_customer_status__current'), order_inputs=[ref('int_order_occasions')]) }}

qualifying_orders as (

    select
        orders.customer_id,
        orders.order_id,
        orders.ordered_at,
        orders.net_amount,
        occasions.order_date_local,
        occasions.occasion_country_code,
        occasions.occasion_name,
        occasions.is_holiday_window,
        occasions.is_birthday_window,
        occasions.is_first_purchase_anniversary_window,
        occasions.is_gift,
        occasions.is_promotion,
        occasions.is_weekend,
        occasions.daypart,
        occasions.primary_occasion
    from {{ ref('int_orders__as_of') }} as orders
    inner join {{ ref('int_order_occasions') }} as occasions
        on orders.order_id = occasions.order_id
    where orders.is_qualifying {{ only_recomputed_customers('orders.customer_id') }}

),

per_customer as (

    -- the flags overlap: an order counts towards every flag it has
    select
        customer_id,
        count(*) as qualifying_order_count,
        sum(net_amount) as qualifying_revenue,
        sum(case when is_holiday_window then 1 else 0 end) as holiday_order_count,
        sum(case when is_holiday_window then net_amount else 0 end) as holiday_revenue,
        sum(case when is_birthday_window then 1 else 0 end) as birthday_order_count,
        sum(case when is_birthday_window then net_amount else 0 end) as birthday_revenue,
        sum(case when is_first_purchase_anniversary_window then 1 else 0 end) as anniversary_order_count,
        sum(case when is_first_purchase_anniversary_window then net_amount else 0 end) as anniversary_revenue,
        sum(case when is_gift then 1 else 0 end) as gift_order_count,
        sum(case when is_gift then net_amount else 0 end) as gift_revenue,
        sum(case when is_promotion then 1 else 0 end) as promotion_order_count,
        sum(case when is_promotion then net_amount else 0 end) as promotion_revenue,
        sum(case when is_weekend then 1 else 0 end) as weekend_order_count,
        sum(case when is_weekend then net_amount else 0 end) as weekend_revenue,
        min(order_date_local) as first_order_date_local
    from qualifying_orders
    group by customer_id

),

latest_order_countries as (

    select
        customer_id,
        occasion_country_code
    from (
        select
            customer_id,
            occasion_country_code,
            row_number() over (partition by customer_id order by ordered_at desc, order_id desc) as recency_rank
        from qualifying_orders
    ) as ranked
    where recency_rank = 1

),

top_occasion_names as (

    -- most frequent value; ties go to the value bought most recently, then alphabetically
    select
        customer_id,
        occasion_name
    from (
        select
            customer_id,
            occasion_name,
            row_number() over (
                partition by customer_id
                order by count(*) desc, max(ordered_at) desc, occasion_name
            ) as value_rank
        from qualifying_orders
        where occasion_name is not null
        group by customer_id, occasion_name
    ) as ranked
    where value_rank = 1

),

top_dayparts as (

    select
        customer_id,
        daypart
    from (
        select
            customer_id,
            daypart,
            row_number() over (
                partition by customer_id
                order by count(*) desc, max(ordered_at) desc, daypart
            ) as value_rank
        from qualifying_orders
        where daypart is not null
        group by customer_id, daypart
    ) as ranked
    where value_rank = 1

),

top_primary_occasions as (

    select
        customer_id,
        primary_occasion
    from (
        select
            customer_id,
            primary_occasion,
            row_number() over (
                partition by customer_id
                order by count(*) desc, max(ordered_at) desc, primary_occasion
            ) as value_rank
        from qualifying_orders
        where primary_occasion is not null
        group by customer_id, primary_occasion
    ) as ranked
    where value_rank = 1

),

shares as (

    select
        customers.customer_id,
        coalesce(per_customer.qualifying_order_count, 0) as qualifying_order_count,
        cast(coalesce(per_customer.qualifying_revenue, 0) as decimal(18, 2)) as qualifying_revenue,
        {{ safe_divide('per_customer.holiday_order_count', 'per_customer.qualifying_order_count') }}
            as holiday_order_share,
        {{ safe_divide('per_customer.holiday_revenue', 'per_customer.qualifying_revenue') }}
            as holiday_revenue_share,
        {{ safe_divide('per_customer.birthday_order_count', 'per_customer.qualifying_order_count') }}
            as birthday_order_share,
        {{ safe_divide('per_customer.birthday_revenue', 'per_customer.qualifying_revenue') }}
            as birthday_revenue_share,
        {{ safe_divide('per_customer.anniversary_order_count', 'per_customer.qualifying_order_count') }}
            as anniversary_order_share,
        {{ safe_divide('per_customer.anniversary_revenue', 'per_customer.qualifying_revenue') }}
            as anniversary_revenue_share,
        {{ safe_divide('per_customer.gift_order_count', 'per_customer.qualifying_order_count') }}
            as gift_order_share,
        {{ safe_divide('per_customer.gift_revenue', 'per_customer.qualifying_revenue') }}
            as gift_revenue_share,
        {{ safe_divide('per_customer.promotion_order_count', 'per_customer.qualifying_order_count') }}
            as promotion_order_share,
        {{ safe_divide('per_customer.promotion_revenue', 'per_customer.qualifying_revenue') }}
            as promotion_revenue_share,
        {{ safe_divide('per_customer.weekend_order_count', 'per_customer.qualifying_order_count') }}
            as weekend_order_share,
        {{ safe_divide('per_customer.weekend_revenue', 'per_customer.qualifying_revenue') }}
            as weekend_revenue_share,
        top_occasion_names.occasion_name as top_occasion_name,
        top_dayparts.daypart as top_daypart,
        top_primary_occasions.primary_occasion as top_primary_occasion,
        per_customer.first_order_date_local,
        latest_order_countries.occasion_country_code as latest_order_country_code
    from customers
    left join per_customer
        on customers.customer_id = per_customer.customer_id
    left join top_occasion_names
        on customers.customer_id = top_occasion_names.customer_id
    left join top_dayparts
        on customers.customer_id = top_dayparts.customer_id
    left join top_primary_occasions
        on customers.customer_id = top_primary_occasions.customer_id
    left join latest_order_countries
        on customers.customer_id = latest_order_countries.customer_id

)

select
    shares.*,
    {{ occasion_persona() }} as occasion_persona,

    -- incremental bookkeeping
    {{ customer_feature_bookkeeping_columns() }}
from shares
left join order_counts
    on shares.customer_id = order_counts.customer_id
