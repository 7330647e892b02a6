{#- Incremental models: the base models of the largest raw tables (doc block
    `incremental_base_models`) and the order facts (doc block
    `incremental_order_facts`). -#}

{#- Materialization of the incremental models: incremental (delete+insert on the key)
    where the adapter supports it, a table elsewhere (Spark sessions write
    Parquet tables, which have no delete). -#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_segmentation')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}


{#- The settings the stored rows of an incremental model were computed with, as a SQL string
    literal. A build with other settings deletes every stored row first (see
    prune_order_facts), so it recomputes them all. -#}
{% macro incremental_build_settings() -%}
    '{{ "reporting_currency=" ~ customer_segmentation.validated_currency_var()
        ~ ";max_line_quantity=" ~ customer_segmentation.validated_int_var('max_line_quantity') }}'
{%- endmacro %}


{#- This build's start as a timestamp with microseconds: the `_refreshed_at` of
    every row an order-fact model writes in this run (a later build's is larger). -#}
{% macro build_run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#- Pre-hook of an incremental order fact: before the new rows are computed,
    delete stored rows whose key is gone from `upstream` (a replacing load, a
    row now quarantined) and every row computed with other settings. -#}
{% macro prune_order_facts(key, upstream) -%}
    {{ customer_segmentation.prune_incremental(
        [('_loaded_at', dbt.type_timestamp()), ('_refreshed_at', dbt.type_timestamp()),
         ('_build_settings', dbt.type_string())],
        key ~ ' not in (select ' ~ key ~ ' from ' ~ upstream ~ ')') }}
{%- endmacro %}


{#- The prune pre-hooks' shared body. Deletes the rows `stale_condition` selects
    and every row computed with other build settings. A table built before its
    model was incremental (no `_build_settings`) is emptied and given the
    missing `bookkeeping` columns (name, type), so the build recomputes every
    row into it. Renders nothing on a full build. -#}
{% macro prune_incremental(bookkeeping, stale_condition) -%}
    {%- if is_incremental() -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if '_build_settings' not in stored -%}
            delete from {{ this }};
            {%- for column, data_type in bookkeeping if column not in stored %}
            alter table {{ this }} add column {{ column }} {{ data_type }};
            {%- endfor %}
        {%- else -%}
        delete from {{ this }}
        where
            _build_settings != {{ customer_segmentation.incremental_build_settings() }}
            or {{ stale_condition }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
