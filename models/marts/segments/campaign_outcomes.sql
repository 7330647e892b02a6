-- One row per campaign and customer sent (holdout included): variant, the RFM
-- segment at send time, and whether the customer converted in the attribution
-- window. (doc block `campaign_conversion`)
{%- set window_days = validated_int_var('attribution_window_days', 1) %}

with

sends as (

    select * from {{ ref('int_campaign_sends') }}

),

send_segments as (

    select * from {{ ref('int_campaign_send_segments') }}

),

orders as (

    select * from {{ ref('int_orders') }}
    where
        is_qualifying
        and ordered_at < cast({{ as_of_date() }} as timestamp)

),

windowed as (

    select
        sends.campaign_id,
        sends.customer_id,
        count(orders.order_id) as conversion_orders,
        coalesce(sum(orders.net_amount), 0) as conversion_revenue
    from sends
    left join orders
        on
            sends.customer_id = orders.customer_id
            and sends.sent_at < orders.ordered_at
            and orders.ordered_at <= {{ dbt.dateadd('day', window_days, 'sends.sent_at') }}
    group by sends.campaign_id, sends.customer_id

)

select
    -- ids
    sends.campaign_id,
    sends.customer_id,
    cast({{ as_of_date() }} as date) as as_of_date,

    -- send
    sends.variant,
    sends.is_control,
    sends.channel,
    sends.sent_at,
    sends.campaign_start_date,
    send_segments.rfm_segment_at_send,
    coalesce(
        {{ dbt.dateadd('day', window_days, 'sends.sent_at') }} <= cast({{ as_of_date() }} as timestamp), false
    ) as is_window_complete,

    -- outcome
    windowed.conversion_orders > 0 as is_converted,
    cast(windowed.conversion_orders as bigint) as conversion_orders,
    cast(windowed.conversion_revenue as decimal(18, 2)) as conversion_revenue

from sends
inner join send_segments
    on
        sends.campaign_id = send_segments.campaign_id
        and sends.customer_id = send_segments.customer_id
inner join windowed
    on
        sends.campaign_id = windowed.campaign_id
        and sends.customer_id = windowed.customer_id
