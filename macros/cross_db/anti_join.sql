{#- Boolean SQL: `outer_key` has no row in `relation` (aliased `alias`) [that
    passes `where`, a condition on `alias`]. Documented in _cross_db__macros.yml. -#}
{% macro key_not_in(outer_key, relation, inner_key, alias='key_lookup', where=none) -%}
    {{ return(adapter.dispatch('key_not_in', 'customer_segmentation')(
        outer_key, relation, inner_key, alias, where)) }}
{%- endmacro %}

{#- NOT EXISTS: PostgreSQL plans it as an anti join. NOT IN (subquery) it cannot
    (NULL semantics): a filter SubPlan, hashed only while the list fits in
    work_mem, else scanned once per outer row. 1M customer ids NOT IN 1M stored ids
    ran past a 60 s timeout there; NOT EXISTS took 0.26 s
    (test_no_join_is_planned_as_a_subplan_on_postgres). -#}
{% macro default__key_not_in(outer_key, relation, inner_key, alias, where) -%}
not exists (
            select 1 from {{ relation }} as {{ alias }}
            where {{ alias }}.{{ inner_key }} = {{ outer_key }}{% if where %} and {{ where }}{% endif %}
        )
{%- endmacro %}

{#- NOT IN over the non-NULL keys: DuckDB hashes the list. As a DELETE on the 1M
    bench warehouse it took 1.0 s on fct_orders (11.8M rows, with the cut as
    `where`) against 2.7 s for NOT EXISTS; 0.7-1.2 s against 0.8-0.9 s on the
    other order tables. -#}
{% macro duckdb__key_not_in(outer_key, relation, inner_key, alias, where) -%}
{{ outer_key }} not in (
            select {{ alias }}.{{ inner_key }} from {{ relation }} as {{ alias }}
            where {{ alias }}.{{ inner_key }} is not null{% if where %} and {{ where }}{% endif %}
        )
{%- endmacro %}
