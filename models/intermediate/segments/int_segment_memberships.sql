-- One row per customer per segment type: customer_segments unpivoted, so a BI
-- tool filters any segment type with one query. The types come from the
-- segment_types() macro, so every segment mart agrees on them.
{%- set types = segment_types() %}

with

assignments as (

    select * from {{ ref('int_customer_segment_values') }}

)

{% for segment_type, column in types %}
    select
        customer_id,
        '{{ segment_type }}' as segment_type,
        cast({{ column }} as {{ dbt.type_string() }}) as segment_value,
        as_of_date
    from assignments
    {% if not loop.last %}union all{% endif %}
{% endfor %}
