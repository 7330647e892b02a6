-- Segment migration adds up, for every segment type and segment: the customers
-- moving out of a segment (rows with it as from_segment) sum to its size at
-- period_start, those moving in (as to_segment) to its size at period_end, both
-- sizes read from the status models, not from the migration mart. Returns the
-- segment with the three counts when they disagree.
{%- set types = migration_segment_types() %}

with

migration as (

    select * from {{ ref('segment_migration') }}

),

sizes as (

    {% for segment_type in types %}
        select
            '{{ segment_type }}' as segment_type,
            {{ segment_type }} as segment_value,
            'start' as side,
            count(*) as customers
        from {{ ref('int_customer_status__previous') }}
        group by {{ segment_type }}
        union all
        select
            '{{ segment_type }}' as segment_type,
            {{ segment_type }} as segment_value,
            'end' as side,
            count(*) as customers
        from {{ ref('int_customer_status__current') }}
        group by {{ segment_type }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

flows as (

    select
        segment_type,
        from_segment as segment_value,
        'start' as side,
        sum(customers) as customers
    from migration
    where from_segment != 'not_yet_known'
    group by segment_type, from_segment
    union all
    select
        segment_type,
        to_segment as segment_value,
        'end' as side,
        sum(customers) as customers
    from migration
    where to_segment != 'no_longer_known'
    group by segment_type, to_segment

)

select
    coalesce(sizes.segment_type, flows.segment_type) as segment_type,
    coalesce(sizes.segment_value, flows.segment_value) as segment_value,
    coalesce(sizes.side, flows.side) as side,
    sizes.customers as segment_size,
    flows.customers as migration_customers
from sizes
full outer join flows
    on
        sizes.segment_type = flows.segment_type
        and sizes.segment_value = flows.segment_value
        and sizes.side = flows.side
where coalesce(sizes.customers, -1) != coalesce(flows.customers, -1)
