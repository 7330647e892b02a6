{#- Leading and trailing whitespace removed: tabs, newlines and spaces (SQL trim()
    strips only spaces, so a tab-prefixed "\tusd" stayed an unknown currency). -#}
{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[[:space:]]+|[[:space:]]+$', '', 'g')
{%- endmacro %}

{#- DuckDB: trim() with an explicit character set (the same six characters as
    [[:space:]]) is a plain scan; regexp_replace cost ~5 s per 28M-row table in
    the 1M-customer bench (bench/README.md, "Findings"). -#}
{% macro duckdb__trim_whitespace(expression) -%}
    trim({{ expression }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))
{%- endmacro %}

{#- Spark's regexp_replace replaces every match and takes no flags argument. -#}
{% macro spark__trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[\\t\\n\\r ]+|[\\t\\n\\r ]+$', '')
{%- endmacro %}

{#- Trimmed text, empty string as NULL (the contract: empty field = NULL). -#}
{% macro clean_text(expression) -%}
    nullif({{ customer_segmentation.trim_whitespace(expression) }}, '')
{%- endmacro %}

{#- Lower-case, trimmed, inner whitespace and hyphens as one underscore:
    ` Paid-Search ` -> `paid_search`. Used for enumerations before mapping. -#}
{% macro normalise_label(expression) -%}
    nullif(replace(replace(lower({{ customer_segmentation.trim_whitespace(expression) }}), '-', '_'), ' ', '_'), '')
{%- endmacro %}

{#- Lower-case, trimmed text used to look a country up in the alias seed. -#}
{% macro country_lookup_key(expression) -%}
    nullif(lower({{ customer_segmentation.trim_whitespace(expression) }}), '')
{%- endmacro %}
