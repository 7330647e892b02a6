-- The campaign export: one row per marketing-opted-in customer with a play to
-- run (their recommended play; `none` channel plays are left out), and the
-- deterministic holdout flag for that play's campaign. (doc block `holdout_assignment`)
with

segments as (

    select * from {{ ref('customer_segments') }}
    where
        is_marketing_opt_in
        and recommended_channel != 'none'

)

select
    -- ids
    recommended_play_id as campaign_id,
    customer_id,
    as_of_date,

    -- what to send
    recommended_by_segment_type as segment_type,
    recommended_by_segment_value as segment_value,
    -- `action` is the column name sending tools expect, keyword or not.
    recommended_action as action,  -- noqa: RF04
    recommended_message_theme as message_theme,
    recommended_channel as channel,
    recommended_offer as offer,

    -- holdout
    {{ holdout_bucket('customer_id', 'recommended_play_id') }} as holdout_bucket,
    {{ is_holdout('customer_id', 'recommended_play_id') }} as is_holdout
from segments
