{#- Trimmed text, empty string as NULL (the contract: empty field = NULL). -#}
{% macro clean_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{#- Lower-case, trimmed, inner whitespace and hyphens as one underscore:
    ` Paid-Search ` -> `paid_search`. Used for enumerations before mapping. -#}
{% macro normalise_label(expression) -%}
    nullif(replace(replace(lower(trim({{ expression }})), '-', '_'), ' ', '_'), '')
{%- endmacro %}

{#- Lower-case, trimmed text used to look a country up in the alias seed. -#}
{% macro country_lookup_key(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}
