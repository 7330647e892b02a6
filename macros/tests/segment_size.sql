{#- Warning tests on segment_summary (severity set where applied).
    segment_min_customers: segments with fewer than var('min_segment_customers')
    customers, too small to act on or to measure (over-segmentation).
    segment_max_share: segments holding more than var('max_segment_share') of their
    type's customers (the type hardly discriminates).
    Both return one row per offending segment with its size. -#}
{% test segment_min_customers(model, segment_types) %}
select segment_type, segment_value, customers
from {{ model }}
where
    segment_type in ('{{ segment_types | join("', '") }}')
    and customers < {{ customer_segmentation.validated_int_var('min_segment_customers') }}
{% endtest %}

{% test segment_max_share(model, segment_types) %}
with type_totals as (
    select segment_type, sum(customers) as type_customers
    from {{ model }}
    group by segment_type
)
select s.segment_type, s.segment_value, s.customers, t.type_customers
from {{ model }} as s
inner join type_totals as t
    on s.segment_type = t.segment_type
where
    s.segment_type in ('{{ segment_types | join("', '") }}')
    and s.customers > {{ customer_segmentation.validated_share_var('max_segment_share') }} * t.type_customers
{% endtest %}
