{#- A 64-bit hash of an integer, as a number whose sum is exact on every engine.
    Summed over rows it fingerprints a multiset of keys without sorting or grouping
    by them: the cheap first pass of test rows_reconcile. The engines' hashes differ;
    only sums computed on one engine are compared. -#}
{% macro integer_fingerprint(expression) -%}
    {{ return(adapter.dispatch('integer_fingerprint', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro default__integer_fingerprint(expression) -%}
    {#- DuckDB: ubigint, summed as hugeint. The cast matters: hash() of the same
        number as integer and as bigint differs. -#}
    hash(cast({{ expression }} as bigint))
{%- endmacro %}

{% macro postgres__integer_fingerprint(expression) -%}
    {#- bigint (PostgreSQL 11+), summed as numeric. -#}
    hashint8extended(cast({{ expression }} as bigint), 0)
{%- endmacro %}

{% macro spark__integer_fingerprint(expression) -%}
    {#- bigint as decimal: a sum of bigints overflows (an error under ANSI mode). -#}
    cast(xxhash64(cast({{ expression }} as bigint)) as decimal(20, 0))
{%- endmacro %}
