-- Campaign lift per RFM segment at send time; `is_significant` when the 95%
-- interval of the conversion lift excludes zero.
select
    campaign_id,
    segment,
    variant,
    customers,
    control_customers,
    conversion_rate,
    control_conversion_rate,
    conversion_lift,
    conversion_lift_ci_lower,
    conversion_lift_ci_upper,
    coalesce(conversion_lift_ci_lower > 0 or conversion_lift_ci_upper < 0, false) as is_significant,
    revenue_per_customer_lift
from {{ ref('campaign_lift') }}
where is_window_complete
order by campaign_id, segment, variant
