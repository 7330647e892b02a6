{#- 8-byte float: dbt.type_float() is 4-byte on DuckDB, and Spark has no
    `double precision`. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{% macro duckdb__type_double() -%}double{%- endmacro %}

{#- Fraction a / b as a double, NULL when b is 0 (PostgreSQL errors on 1/0,
    DuckDB returns inf, and integer division truncates on PostgreSQL). -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ customer_segmentation.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
