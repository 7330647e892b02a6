{#- Whole days from start_date to end_date (dates), as bigint on every engine:
    dbt.datediff is `end - start` on PostgreSQL (integer) but date_diff on
    DuckDB (bigint), and contracts compare the types. -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as bigint)
{%- endmacro %}
