-- One row per segment type and (from, to) pair: how many customers moved from
-- each segment at period_start to each segment at period_end (staying counts as
-- a pair with from = to). (doc block `segment_migration_rules`)
with

transitions as (

    select * from {{ ref('int_segment_transitions') }}

),

pairs as (

    select
        segment_type,
        from_segment,
        to_segment,
        period_start,
        period_end,
        count(*) as customers
    from transitions
    group by segment_type, from_segment, to_segment, period_start, period_end

),

from_totals as (

    select
        segment_type,
        from_segment,
        sum(customers) as from_customers
    from pairs
    group by segment_type, from_segment

)

select
    pairs.segment_type,
    pairs.from_segment,
    pairs.to_segment,
    pairs.period_start,
    pairs.period_end,
    cast(pairs.customers as bigint) as customers,
    pairs.from_segment != pairs.to_segment as is_moved,
    {{ safe_divide('pairs.customers', 'from_totals.from_customers') }} as share_of_from_segment
from pairs
inner join from_totals
    on
        pairs.segment_type = from_totals.segment_type
        and pairs.from_segment = from_totals.from_segment
