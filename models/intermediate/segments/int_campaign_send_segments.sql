-- RFM segment of every customer sent a campaign, at the campaign's start date
-- (orders before that date only), so the segment is not moved by the campaign
-- itself. The same rules as customer_status_at (macros/segmentation/rfm.sql):
-- quintile_score() over all scored customers at that date, the rfm_segment_map
-- seed, `prospect` without a qualifying order; one ranking per campaign.
with

sends as (

    select * from {{ ref('int_campaign_sends') }}

),

campaigns as (

    select distinct
        campaign_id,
        campaign_start_date
    from sends

),

orders_before as (

    select
        campaigns.campaign_id,
        campaigns.campaign_start_date,
        orders.customer_id,
        orders.ordered_date_utc,
        orders.is_qualifying,
        orders.counts_toward_monetary,
        orders.net_amount
    from {{ ref('int_orders') }} as orders
    inner join campaigns
        on orders.ordered_at < cast(campaigns.campaign_start_date as timestamp)
    where orders.customer_id is not null

),

values_per_customer as (

    select
        campaign_id,
        campaign_start_date,
        customer_id,
        sum(case when is_qualifying then 1 else 0 end) as frequency,
        {{ days_between('max(case when is_qualifying then ordered_date_utc end)', 'campaign_start_date') }}
            as recency_days,
        cast(
            sum(case when counts_toward_monetary then net_amount else 0 end) as decimal(18, 2)
        ) as monetary
    from orders_before
    group by campaign_id, campaign_start_date, customer_id

),

ranked as (

    select
        campaign_id,
        customer_id,
        count(*) over (partition by campaign_id) as scored_customers,
        rank() over (partition by campaign_id order by recency_days desc) as recency_rank,
        rank() over (partition by campaign_id order by frequency) as frequency_rank,
        rank() over (partition by campaign_id order by monetary) as monetary_rank
    from values_per_customer
    where frequency > 0

),

scored as (

    select
        campaign_id,
        customer_id,
        {{ quintile_score('recency_rank', 'scored_customers') }} as r_score,
        {{ quintile_score('frequency_rank', 'scored_customers') }} as f_score,
        {{ quintile_score('monetary_rank', 'scored_customers') }} as m_score
    from ranked

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

)

select
    sends.campaign_id,
    sends.customer_id,
    sends.campaign_start_date,
    coalesce(segment_map.rfm_segment, 'prospect') as rfm_segment_at_send
from sends
left join scored
    on
        sends.campaign_id = scored.campaign_id
        and sends.customer_id = scored.customer_id
left join segment_map
    on
        scored.r_score = segment_map.r_score
        and scored.f_score = segment_map.f_score
        and scored.m_score = segment_map.m_score
