-- Any two segment types crossed with one query on segment_memberships: change the
-- two segment_type literals to cross other types.
select
    first_type.segment_value as value_tier,
    second_type.segment_value as occasion_persona,
    count(*) as customers
from {{ ref('segment_memberships') }} as first_type
inner join {{ ref('segment_memberships') }} as second_type
    on first_type.customer_id = second_type.customer_id
where
    first_type.segment_type = 'value_tier'
    and second_type.segment_type = 'occasion_persona'
group by first_type.segment_value, second_type.segment_value
order by customers desc, value_tier asc, occasion_persona asc
