-- Share of each customer's merchandise spend (positive lines of qualifying orders
-- before as_of_date) per product category and per product tag, and the top category.
-- One row per customer known at as_of_date (NULL shares without such spend).
-- Incremental (doc block `incremental_customer_features`): a build recomputes only
-- the customers whose orders before as_of_date may have changed.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_customer_rows(ref('int_customer_status__current'), settings=spend_mix_settings()) }}",
    )
}}

with

{{ recomputed_customers_ctes(ref('int_customer_status__current')) }}

qualifying_orders as (

    select order_id
    from {{ ref('int_orders__as_of') }}
    where is_qualifying {{ only_recomputed_customers() }}

),

lines as (

    select order_lines.*
    from {{ ref('int_order_lines') }} as order_lines
    inner join qualifying_orders
        on order_lines.order_id = qualifying_orders.order_id
    where
        not order_lines.is_non_product
        and order_lines.line_net_amount > 0

),

category_spend as (

    -- One aggregate of the lines, per category with each tag's spend in it: the
    -- per-customer tag totals below are sums of these rows (exact decimal sums).
    -- A second aggregate of every line by customer made DuckDB buffer the lines
    -- for two readers; this form takes 27-42% less CPU at 1M customers
    -- (bench/README.md, "The spend mix in one aggregate (stop 23)").
    -- Tags are `;`-separated: wrap both sides in `;` so `eco` never matches `ecowash`.
    select
        customer_id,
        category,
        {%- for tag in validated_name_list_var('feature_tags') %}
            sum(
                case
                    when {{ dbt.position("';" ~ tag ~ ";'", dbt.concat(["';'", 'tags', "';'"])) }} > 0
                        then line_net_amount
                    else 0
                end
            ) as tag_{{ tag }}_spend,
        {%- endfor %}
        sum(line_net_amount) as spend
    from lines
    group by customer_id, category

),

ranked_categories as (

    select
        *,
        sum(spend) over (partition by customer_id) as total_spend,
        -- ties broken by name so the top category is deterministic
        row_number() over (partition by customer_id order by spend desc, category asc) as spend_rank
    from category_spend

),

spend_mix as (

    select
        customer_id,
        {%- for category in validated_name_list_var('feature_categories') %}
            coalesce(sum(
                case
                    when category = '{{ category }}'
                        then {{ safe_divide('spend', 'total_spend') }}
                end
            ), 0) as category_share_{{ category }},
        {%- endfor %}
        {%- for tag in validated_name_list_var('feature_tags') %}
            {{ safe_divide('sum(tag_' ~ tag ~ '_spend)', 'max(total_spend)') }}
                as tag_share_{{ tag }},
        {%- endfor %}
        max(case when spend_rank = 1 then category end) as top_category,
        max(case when spend_rank = 1 then {{ safe_divide('spend', 'total_spend') }} end)
            as top_category_share
    from ranked_categories
    group by customer_id

)

select
    customers.customer_id,
    {%- for category in validated_name_list_var('feature_categories') %}
        spend_mix.category_share_{{ category }},
    {%- endfor %}
    {%- for tag in validated_name_list_var('feature_tags') %}
        spend_mix.tag_share_{{ tag }},
    {%- endfor %}
    spend_mix.top_category,
    spend_mix.top_category_share,

    -- incremental bookkeeping
    {{ customer_feature_bookkeeping_columns(settings=spend_mix_settings()) }}
from customers
left join spend_mix
    on customers.customer_id = spend_mix.customer_id
left join order_counts
    on customers.customer_id = order_counts.customer_id
