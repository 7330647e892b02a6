-- One row per customer known at as_of_date: every segment assignment and the
-- playbook's recommended play. (doc block `playbook_precedence`)
with

assignments as (

    select * from {{ ref('int_customer_segment_values') }}

),

plays as (

    select * from {{ ref('int_customer_plays') }}

)

select
    -- ids
    assignments.customer_id,
    assignments.as_of_date,

    -- behavioural segments
    assignments.rfm_segment,
    assignments.rfm_cell,
    assignments.lifecycle_stage,
    assignments.value_tier,
    assignments.cluster_id,
    assignments.cluster_name,
    assignments.occasion_persona,

    -- demographic, geographic, firmographic and attitudinal bands
    assignments.age_band,
    assignments.gender,
    assignments.country_code,
    assignments.continent,
    assignments.customer_type,
    assignments.industry,
    assignments.employee_count_band,
    assignments.revenue_band,
    assignments.nps_group,

    -- consent and behaviour
    assignments.is_marketing_opt_in,
    assignments.recency_days,
    assignments.qualifying_order_count,
    assignments.net_revenue,

    -- recommended play
    plays.play_id as recommended_play_id,
    plays.segment_type as recommended_by_segment_type,
    plays.segment_value as recommended_by_segment_value,
    plays.action as recommended_action,
    plays.message_theme as recommended_message_theme,
    plays.channel as recommended_channel,
    plays.offer as recommended_offer

from assignments
left join plays
    on assignments.customer_id = plays.customer_id
