-- Behavioural features per customer at as_of_date, from orders before it: one row
-- per customer known at as_of_date, NULL features without any order before it.
-- Nothing here is computed from as_of_date itself (tenure is in dim_customers), so
-- the table is incremental by customer (doc block `incremental_customer_features`):
-- a build recomputes only the customers whose orders before as_of_date may have changed.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_customer_rows(ref('int_customer_status__current'), settings=behaviour_settings()) }}",
    )
}}

with

{{ recomputed_customers_ctes(ref('int_customer_status__current')) }}

-- Not materialized: read by the gaps and by the counts, a CTE over every order made
-- DuckDB buffer all of them for both readers; two scans take 13-30% less CPU at
-- 1M customers (bench/README.md, "The spend mix in one aggregate (stop 23)").
orders {{ as_not_materialized() }} (

    select * from {{ ref('int_orders__as_of') }}
    {%- if is_incremental() %}
    where customer_id in (select recomputed_customers.customer_id from recomputed_customers)
    {%- endif %}

),

qualifying as (

    select
        *,
        lag(ordered_date_utc) over (
            partition by customer_id order by ordered_at, order_id
        ) as previous_order_date
    from orders
    where is_qualifying

),

gaps as (

    select
        customer_id,
        {{ days_between('previous_order_date', 'ordered_date_utc') }}
            as days_since_previous
    from qualifying
    where previous_order_date is not null

),

ranked_gaps as (

    -- Median by rank: percentile_cont per customer took 15 of the model's 20 s
    -- at 1M customers (bench/README.md, "Findings"); a window sort does not.
    select
        customer_id,
        days_since_previous,
        row_number() over (partition by customer_id order by days_since_previous) as gap_rank,
        count(*) over (partition by customer_id) as gap_count
    from gaps

),

gap_stats as (

    select
        customer_id,
        avg(cast(days_since_previous as {{ type_double() }})) as mean_days_between_orders,
        -- the middle gap (odd count) or the mean of the two middle gaps (even
        -- count): exactly percentile_cont(0.5)
        avg(
            case
                when 2 * gap_rank between gap_count and gap_count + 2
                    then cast(days_since_previous as {{ type_double() }})
            end
        ) as median_days_between_orders
    from ranked_gaps
    group by customer_id

),

per_customer as (

    select
        customer_id,
        count(*) as order_count,
        sum(case when is_qualifying then 1 else 0 end) as qualifying_order_count,
        sum(case when status = 'returned' or return_line_count > 0 then 1 else 0 end)
            as returned_order_count,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled_order_count,
        sum(case when counts_toward_monetary then net_amount else 0 end) as net_revenue,
        sum(case when is_qualifying then net_amount else 0 end) as qualifying_revenue,
        sum(case when is_qualifying then units else 0 end) as qualifying_units,
        sum(case when is_qualifying and has_promo_code then 1 else 0 end) as promo_order_count,
        sum(case when is_qualifying and is_gift then 1 else 0 end) as gift_order_count,
        {%- for channel in validated_name_list_var('feature_channels') %}
            sum(case when is_qualifying and channel = '{{ channel }}' then 1 else 0 end)
                as channel_{{ channel }}_order_count,
        {%- endfor %}
        min(case when is_qualifying then ordered_date_utc end) as first_order_date,
        max(case when is_qualifying then ordered_date_utc end) as last_order_date,
        min(ordered_date_utc) as first_any_order_date
    from orders
    group by customer_id

)

select
    customers.customer_id,
    per_customer.order_count,
    per_customer.qualifying_order_count,
    per_customer.returned_order_count,
    per_customer.cancelled_order_count,
    cast(per_customer.net_revenue as decimal(18, 2)) as net_revenue,
    {{ divide_to_cents('per_customer.qualifying_revenue', 'per_customer.qualifying_order_count') }}
        as avg_order_value,
    cast(per_customer.qualifying_units as {{ type_double() }})
    / nullif(per_customer.qualifying_order_count, 0) as avg_items_per_order,
    per_customer.first_order_date,
    per_customer.last_order_date,
    per_customer.first_any_order_date,
    gap_stats.mean_days_between_orders,
    gap_stats.median_days_between_orders,
    {%- for channel in validated_name_list_var('feature_channels') %}
        {{ safe_divide('per_customer.channel_' ~ channel ~ '_order_count',
                       'per_customer.qualifying_order_count') }} as channel_{{ channel }}_share,
    {%- endfor %}
    {{ safe_divide('per_customer.returned_order_count',
                   'per_customer.order_count - per_customer.cancelled_order_count') }} as return_rate,
    {{ safe_divide('per_customer.promo_order_count',
                   'per_customer.qualifying_order_count') }} as promo_order_share,
    {{ safe_divide('per_customer.gift_order_count',
                   'per_customer.qualifying_order_count') }} as gift_order_share,

    -- incremental bookkeeping
    {{ customer_feature_bookkeeping_columns(settings=behaviour_settings()) }}
from customers
left join per_customer
    on customers.customer_id = per_customer.customer_id
left join gap_stats
    on customers.customer_id = gap_stats.customer_id
left join order_counts
    on customers.customer_id = order_counts.customer_id
