-- The date every segment is computed for (one row). The `as_of_date` var when
-- set; otherwise the day after the latest clean order date.
{%- set override = var('as_of_date', none) %}

with

latest_order as (

    select max(ordered_date_utc) as latest_order_date
    from {{ ref('stg_raw__orders') }}

)

select
    {% if override not in (none, '') -%}
    cast('{{ validated_date_var("as_of_date") }}' as date) as as_of_date,
    {%- else -%}
        cast({{ dbt.dateadd('day', 1, 'latest_order_date') }} as date) as as_of_date,
    {%- endif %}
    latest_order_date
from latest_order
