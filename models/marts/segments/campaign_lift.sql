-- One row per campaign, segment (RFM segment at send time, plus `all`) and
-- treatment variant: conversion and revenue per customer against the campaign's
-- control group in the same segment, absolute and relative lift with 95%
-- confidence intervals. (doc block `campaign_lift_method`)
{%- set z = z_95() %}
{%- set double = type_double() %}

with

outcomes as (

    select * from {{ ref('campaign_outcomes') }}

),

segment_scopes as (

    -- Every outcome counts twice: in its RFM segment at send time and in `all`.
    select false as is_all_customers
    union all
    select true as is_all_customers

),

expanded as (

    select
        outcomes.campaign_id,
        case
            when segment_scopes.is_all_customers then 'all'
            else outcomes.rfm_segment_at_send
        end as segment,
        outcomes.variant,
        outcomes.is_control,
        outcomes.is_converted,
        outcomes.conversion_revenue,
        outcomes.is_window_complete,
        outcomes.campaign_start_date
    from outcomes
    cross join segment_scopes

),

arms as (

    select
        campaign_id,
        segment,
        variant,
        is_control,
        min(campaign_start_date) as campaign_start_date,
        min(case when is_window_complete then 1 else 0 end) = 1 as is_window_complete,
        count(*) as customers,
        sum(case when is_converted then 1 else 0 end) as conversions,
        sum(conversion_revenue) as revenue,
        -- exact decimal sum: a sum of doubles depends on the order the threads add
        -- them in, and two builds on the same data must be byte-identical
        sum(conversion_revenue * conversion_revenue) as revenue_squares
    from expanded
    group by campaign_id, segment, variant, is_control

),

arm_stats as (

    select
        *,
        {{ safe_divide('conversions', 'customers') }} as conversion_rate,
        {{ safe_divide('revenue', 'customers') }} as revenue_per_customer,
        {{ sample_variance('customers', 'cast(revenue as ' ~ double ~ ')', 'revenue_squares') }}
            as revenue_variance
    from arms

),

treated as (

    select * from arm_stats
    where not is_control

),

control as (

    select * from arm_stats
    where is_control

),

compared as (

    select
        treated.campaign_id,
        treated.segment,
        treated.variant,
        treated.campaign_start_date,
        treated.is_window_complete and coalesce(control.is_window_complete, true) as is_window_complete,
        treated.customers,
        treated.conversions,
        treated.conversion_rate,
        treated.revenue,
        treated.revenue_per_customer,
        coalesce(control.customers, 0) as control_customers,
        coalesce(control.conversions, 0) as control_conversions,
        control.conversion_rate as control_conversion_rate,
        control.revenue_per_customer as control_revenue_per_customer,
        treated.conversion_rate - control.conversion_rate as conversion_lift,
        {{ proportion_diff_se('treated.conversion_rate', 'treated.customers',
                              'control.conversion_rate', 'control.customers') }} as conversion_lift_se,
        treated.revenue_per_customer - control.revenue_per_customer as revenue_per_customer_lift,
        {{ mean_diff_se('treated.revenue_variance', 'treated.customers',
                        'control.revenue_variance', 'control.customers') }} as revenue_lift_se
    from treated
    left join control
        on
            treated.campaign_id = control.campaign_id
            and treated.segment = control.segment

)

select
    -- grain
    campaign_id,
    segment,
    variant,
    cast({{ as_of_date() }} as date) as as_of_date,
    campaign_start_date,
    is_window_complete,

    -- treated arm
    cast(customers as bigint) as customers,
    cast(conversions as bigint) as conversions,
    conversion_rate,
    cast(revenue as decimal(18, 2)) as revenue,
    revenue_per_customer,

    -- control arm
    cast(control_customers as bigint) as control_customers,
    cast(control_conversions as bigint) as control_conversions,
    control_conversion_rate,
    control_revenue_per_customer,

    -- conversion lift
    conversion_lift,
    conversion_lift - {{ z }} * conversion_lift_se as conversion_lift_ci_lower,
    conversion_lift + {{ z }} * conversion_lift_se as conversion_lift_ci_upper,
    {{ safe_divide('conversion_lift', 'control_conversion_rate') }} as relative_conversion_lift,
    {{ safe_divide('conversion_lift - ' ~ z ~ ' * conversion_lift_se', 'control_conversion_rate') }}
        as relative_conversion_lift_ci_lower,
    {{ safe_divide('conversion_lift + ' ~ z ~ ' * conversion_lift_se', 'control_conversion_rate') }}
        as relative_conversion_lift_ci_upper,

    -- revenue per customer lift
    revenue_per_customer_lift,
    revenue_per_customer_lift - {{ z }} * revenue_lift_se as revenue_per_customer_lift_ci_lower,
    revenue_per_customer_lift + {{ z }} * revenue_lift_se as revenue_per_customer_lift_ci_upper,
    {{ safe_divide('revenue_per_customer_lift', 'control_revenue_per_customer') }}
        as relative_revenue_per_customer_lift
from compared
