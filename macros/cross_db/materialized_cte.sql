{#- `as`, followed by the hint that computes a CTE once, before the query that reads
    it (`as materialized`), where the engine has that hint and `when` holds.
    Documented in _cross_db__macros.yml. -#}
{% macro as_materialized(when=true) -%}
    {%- if when -%}
        {{ return(adapter.dispatch('as_materialized', 'customer_segmentation')()) }}
    {%- endif -%}
    {{ return('as') }}
{%- endmacro %}

{#- PostgreSQL (12 and later) and DuckDB both take `as materialized`. -#}
{% macro default__as_materialized() -%}
    {{ return('as materialized') }}
{%- endmacro %}

{#- Spark SQL has no such hint (it inlines a CTE read once). -#}
{% macro spark__as_materialized() -%}
    {{ return('as') }}
{%- endmacro %}


{#- `as`, followed by the hint that inlines a CTE into each query that reads it
    (`as not materialized`), where the engine has that hint: a CTE over a large
    table read twice is then two scans instead of one buffered copy of its rows.
    Documented in _cross_db__macros.yml. -#}
{% macro as_not_materialized() -%}
    {{ return(adapter.dispatch('as_not_materialized', 'customer_segmentation')()) }}
{%- endmacro %}

{#- PostgreSQL (12 and later) and DuckDB both take `as not materialized`. -#}
{% macro default__as_not_materialized() -%}
    {{ return('as not materialized') }}
{%- endmacro %}

{#- Spark SQL has no such hint (it inlines CTEs itself). -#}
{% macro spark__as_not_materialized() -%}
    {{ return('as') }}
{%- endmacro %}
