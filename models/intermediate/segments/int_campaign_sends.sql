-- One row per campaign and customer sent before as_of_date: the customer's first
-- send of the campaign (a customer sent twice is one experimental unit; the
-- variant of the first send counts), and the campaign's start date, the date its
-- segments are computed at (segment at send time).
with

sends as (

    select * from {{ ref('stg_raw__campaign_sends') }}
    where sent_at < cast({{ as_of_date() }} as timestamp)

),

ranked as (

    select
        *,
        row_number() over (
            partition by campaign_id, customer_id order by sent_at, send_id
        ) as send_rank,
        count(*) over (partition by campaign_id, customer_id) as sends_to_customer,
        min(sent_at) over (partition by campaign_id) as campaign_started_at
    from sends

)

select
    -- ids
    campaign_id,
    customer_id,
    send_id,

    -- attributes
    channel,
    variant,
    is_control,
    sends_to_customer,

    -- timestamps
    sent_at,
    cast(campaign_started_at as date) as campaign_start_date
from ranked
where send_rank = 1
