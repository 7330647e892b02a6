-- RFM segment of every customer sent a campaign, at the campaign's start date
-- (orders before that date only), so the segment is not moved by the campaign
-- itself. The same rules as customer_status_at (macros/segmentation/rfm.sql):
-- quintile_score() over all scored customers at that date, the rfm_segment_map
-- seed, `prospect` without a qualifying order; one ranking per campaign.
-- Incremental by campaign (doc block `incremental_campaign_send_segments`): a
-- build recomputes only the campaigns whose sends or earlier orders may have
-- changed; the range join of every order to every campaign is the cost avoided.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='campaign_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_campaign_rows(ref('int_campaign_sends')) }}",
    )
}}

with

sends as (

    select * from {{ ref('int_campaign_sends') }}

),

all_campaigns as (

    select distinct
        campaign_id,
        campaign_start_date
    from sends

),

daily_orders as (

    -- ordered_date_utc is the date of ordered_at, so the orders of the days before
    -- a start are the orders before it: counting them sums a few thousand days per
    -- campaign instead of joining every order to every campaign
    select
        ordered_date_utc,
        count(*) as order_count
    from {{ ref('int_orders') }}
    where customer_id is not null
    group by ordered_date_utc

),

orders_before_start as (

    select
        all_campaigns.campaign_id,
        -- a sum of bigints is wider (DuckDB hugeint, PostgreSQL numeric): back to the stored type
        cast(coalesce(sum(daily_orders.order_count), 0) as {{ dbt.type_bigint() }}) as orders_before
    from all_campaigns
    left join daily_orders
        on all_campaigns.campaign_start_date > daily_orders.ordered_date_utc
    group by all_campaigns.campaign_id

),
{%- if is_incremental() %}

stored as (

    select max(_refreshed_at) as refreshed_through
    from {{ this }}

),

earliest_refreshed_order as (

    -- every campaign starting after this order has a refreshed order before its start
    select min(orders.ordered_at) as ordered_at
    from {{ ref('int_orders') }} as orders
    cross join stored
    where
        orders.customer_id is not null
        and orders._refreshed_at > stored.refreshed_through

),

stored_counts as (

    select distinct
        campaign_id,
        _orders_before
    from {{ this }}

),

recomputed_campaigns as (

    -- a send without a stored row (a new campaign or customer, or the start moved)
    -- or a stored row without a send (a customer no longer sent, or the start
    -- moved; campaigns no longer sent at all are deleted by the pre-hook)
    select coalesce(sends.campaign_id, stored_rows.campaign_id) as campaign_id
    from sends
    full outer join {{ this }} as stored_rows
        on
            sends.campaign_id = stored_rows.campaign_id
            and sends.customer_id = stored_rows.customer_id
            and sends.campaign_start_date = stored_rows.campaign_start_date
    where sends.campaign_id is null or stored_rows.campaign_id is null
    union
    -- an order before the start was refreshed (new, re-priced, new lines, moved
    -- to another customer or date) since the stored rows were computed
    select all_campaigns.campaign_id
    from all_campaigns
    cross join earliest_refreshed_order
    where earliest_refreshed_order.ordered_at < cast(all_campaigns.campaign_start_date as timestamp)
    union
    -- an order before the start left int_orders (quarantined, superseded, became a
    -- guest order), which no refreshed row shows: the count before the start differs
    select stored_counts.campaign_id
    from stored_counts
    inner join orders_before_start
        on stored_counts.campaign_id = orders_before_start.campaign_id
    where stored_counts._orders_before != orders_before_start.orders_before

),
{%- endif %}

campaigns as (

    -- the campaigns this build computes rows for
    select
        campaign_id,
        campaign_start_date
    from all_campaigns
    {%- if is_incremental() %}
    where campaign_id in (select recomputed_campaigns.campaign_id from recomputed_campaigns)
    {%- endif %}

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
    coalesce(segment_map.rfm_segment, 'prospect') as rfm_segment_at_send,

    -- incremental bookkeeping
    orders_before_start.orders_before as _orders_before,
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(seeds=campaign_segment_seeds()) }} as _build_settings
from sends
inner join campaigns
    on sends.campaign_id = campaigns.campaign_id
inner join orders_before_start
    on sends.campaign_id = orders_before_start.campaign_id
left join scored
    on
        sends.campaign_id = scored.campaign_id
        and sends.customer_id = scored.customer_id
left join segment_map
    on
        scored.r_score = segment_map.r_score
        and scored.f_score = segment_map.f_score
        and scored.m_score = segment_map.m_score
