{#- Incremental order facts (doc block `incremental_order_facts`):
    int_orders__converted, int_order_lines and int_orders. -#}

{#- Materialization of the order facts: incremental (delete+insert on the key)
    where the adapter supports it, a table elsewhere (Spark sessions write
    Parquet tables, which have no delete). -#}
{% macro order_facts_materialization() -%}
    {{ return(adapter.dispatch('order_facts_materialization', 'customer_segmentation')()) }}
{%- endmacro %}

{% macro default__order_facts_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__order_facts_materialization() -%}
    {{ return('table') }}
{%- endmacro %}


{#- The settings the stored order facts were computed with, as a SQL string
    literal. A build with other settings deletes every stored row first (see
    prune_order_facts), so it recomputes them all. -#}
{% macro order_facts_build_settings() -%}
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
    row now quarantined) and every row computed with other settings. A table
    built before these models were incremental (no bookkeeping columns) is
    emptied and given them, so the build recomputes every row into it. -#}
{% macro prune_order_facts(key, upstream) -%}
    {%- if is_incremental() -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if '_build_settings' not in stored -%}
            delete from {{ this }};
            {%- for column, data_type in [('_loaded_at', dbt.type_timestamp()),
                                          ('_refreshed_at', dbt.type_timestamp()),
                                          ('_build_settings', dbt.type_string())] %}
                {%- if column not in stored %}
            alter table {{ this }} add column {{ column }} {{ data_type }};
                {%- endif %}
            {%- endfor %}
        {%- else -%}
        delete from {{ this }}
        where
            _build_settings != {{ customer_segmentation.order_facts_build_settings() }}
            or {{ key }} not in (select {{ key }} from {{ upstream }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
