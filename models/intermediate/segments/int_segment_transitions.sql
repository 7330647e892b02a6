-- One row per customer per migration segment type: the segment at the start of
-- the period (as_of_date minus `migration_period_days`) and at its end
-- (as_of_date), both computed in this build by the same macro
-- (customer_status_at). Customers not yet known at the start come from
-- `not_yet_known`. (doc block `segment_migration_rules`)
{%- set types = migration_segment_types() %}

with

period_start as (

    select * from {{ ref('int_customer_status__previous') }}

),

period_end as (

    select * from {{ ref('int_customer_status__current') }}

),

paired as (

    select
        coalesce(period_end.customer_id, period_start.customer_id) as customer_id,
        {%- for segment_type in types %}
            period_start.{{ segment_type }} as from_{{ segment_type }},
            period_end.{{ segment_type }} as to_{{ segment_type }},
        {%- endfor %}
        period_start.customer_id is not null as is_known_at_start,
        period_end.customer_id is not null as is_known_at_end
    from period_end
    full outer join period_start
        on period_end.customer_id = period_start.customer_id

)

{% for segment_type in types %}
    select
        customer_id,
        '{{ segment_type }}' as segment_type,
        case when is_known_at_start then from_{{ segment_type }} else 'not_yet_known' end as from_segment,
        case when is_known_at_end then to_{{ segment_type }} else 'no_longer_known' end as to_segment,
        cast({{ dbt.dateadd('day', -1 * validated_int_var('migration_period_days'), as_of_date()) }} as date)
            as period_start,
        cast({{ as_of_date() }} as date) as period_end
    from paired
    {% if not loop.last %}union all{% endif %}
{% endfor %}
