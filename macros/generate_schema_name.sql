{#-
    Custom schemas are used as given (`marts`, not `<target_schema>_marts`):
    BI tools depend on the exact schema name `marts` on every target.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
