-- Lifecycle transition matrix over the migration period: one row per stage at the
-- start, the share of its customers in each stage at the end.
select
    from_segment as stage_at_start,
    sum(customers) as customers_at_start,
    sum(case when to_segment = from_segment then customers else 0 end) as stayed,
    sum(case when to_segment in ('active', 'new', 'reactivated') then customers else 0 end) as now_active,
    sum(case when to_segment = 'at_risk' then customers else 0 end) as now_at_risk,
    sum(case when to_segment in ('lapsed', 'churned') then customers else 0 end) as now_lapsed_or_churned
from {{ ref('segment_migration') }}
where segment_type = 'lifecycle_stage'
group by from_segment
order by customers_at_start desc, stage_at_start asc
