-- One row per customer known at as_of_date with every segment assignment side by
-- side: RFM, lifecycle and value tier (int_customer_status__current), cluster,
-- occasion persona, and the descriptive bands of dim_customers.
with

status as (

    select * from {{ ref('int_customer_status__current') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

occasions as (

    select * from {{ ref('customer_occasions') }}

),

clusters as (

    select * from {{ ref('customer_clusters') }}

)

select
    -- ids
    status.customer_id,
    status.as_of_date,

    -- behavioural segments
    status.rfm_segment,
    status.rfm_cell,
    status.lifecycle_stage,
    status.value_tier,
    cast(clusters.cluster_id as integer) as cluster_id,
    clusters.cluster_name,
    coalesce(occasions.occasion_persona, 'no_purchases') as occasion_persona,

    -- demographic, geographic, firmographic and attitudinal bands
    customers.age_band,
    customers.gender,
    customers.country_code,
    customers.continent,
    customers.customer_type,
    customers.industry,
    customers.employee_count_band,
    customers.revenue_band,
    customers.nps_group,

    -- consent and behaviour
    customers.is_marketing_opt_in,
    status.recency_days,
    status.frequency as qualifying_order_count,
    status.monetary as net_revenue

from status
inner join customers
    on status.customer_id = customers.customer_id
left join occasions
    on status.customer_id = occasions.customer_id
left join clusters
    on status.customer_id = clusters.customer_id
