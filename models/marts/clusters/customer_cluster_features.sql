-- One row per scored customer (at least one qualifying order before
-- as_of_date): the behaviour features the clustering reads, in original units
-- (doc block `cluster_features`). The clustering runners (the dbt Python model
-- on DuckDB, scripts/run_clustering.py elsewhere) read this table and nothing
-- else, so both see exactly the same input.
with

rfm as (

    select * from {{ ref('customer_rfm') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

occasions as (

    select * from {{ ref('customer_occasions') }}

)

select
    rfm.customer_id,
    rfm.as_of_date,
    cast(rfm.recency_days as integer) as recency_days,
    cast(rfm.frequency as bigint) as frequency,
    cast(rfm.monetary as decimal(18, 2)) as monetary,
    cast(coalesce(customers.avg_order_value, 0) as decimal(18, 2)) as avg_order_value,
    cast(coalesce(customers.avg_items_per_order, 0) as {{ type_double() }}) as avg_items_per_order,
    cast(coalesce(customers.promo_order_share, 0) as {{ type_double() }}) as promo_order_share,
    cast(coalesce(customers.gift_order_share, 0) as {{ type_double() }}) as gift_order_share,
    cast(coalesce(customers.return_rate, 0) as {{ type_double() }}) as return_rate,
    cast(coalesce(occasions.weekend_order_share, 0) as {{ type_double() }}) as weekend_order_share,
    cast(coalesce(occasions.holiday_order_share, 0) as {{ type_double() }}) as holiday_order_share,
    cast(coalesce(occasions.birthday_order_share, 0) as {{ type_double() }}) as birthday_order_share,
    cast(case when customers.customer_type = 'business' then 1 else 0 end as integer) as is_business,
    {%- for channel in validated_name_list_var('feature_channels') %}
        cast(coalesce(customers.channel_{{ channel }}_share, 0) as {{ type_double() }})
            as channel_{{ channel }}_share,
    {%- endfor %}
    {%- for category in validated_name_list_var('feature_categories') %}
        cast(coalesce(customers.category_share_{{ category }}, 0) as {{ type_double() }})
            as category_share_{{ category }},
    {%- endfor %}
    rfm.rfm_segment
from rfm
inner join customers
    on rfm.customer_id = customers.customer_id
left join occasions
    on rfm.customer_id = occasions.customer_id
where rfm.frequency > 0
