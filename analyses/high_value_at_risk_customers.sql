-- High-value customers who are slipping (at risk or lapsed), with the play the
-- playbook recommends and whether they can be contacted.
select
    customer_id,
    value_tier,
    lifecycle_stage,
    rfm_segment,
    recency_days,
    net_revenue,
    recommended_action,
    recommended_channel,
    recommended_offer,
    is_marketing_opt_in
from {{ ref('customer_segments') }}
where
    value_tier in ('top', 'high')
    and lifecycle_stage in ('at_risk', 'lapsed')
order by net_revenue desc, customer_id asc
