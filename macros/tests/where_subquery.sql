{#- dbt's `where` config of data tests, plus one placeholder of ours (dbt's
    documented way to give `where` a macro: it renders the config as plain yml).

    `__rows_of_the_latest_build__`: the rows an incremental model wrote in its
    latest build (`_refreshed_at` = its latest), for tests on the model's
    delete+insert key. Such a test checks nothing less than on the whole table:
    the materialization deletes every stored row whose key is in the new batch,
    so a duplicate key can only arise inside the batch. A full build writes every
    row in one batch, so there it tests the whole table. The same holds for the
    key of a staging view over an incremental base model (`stg_raw__orders`,
    `stg_raw__order_items`): a base build rewrites every stored row of each key
    it reads (macros/incremental/base_rows.sql), so two clean rows of one key
    are either both in the latest build or were both in an earlier one, whose
    test saw them. And for the key of a view that only filters an incremental
    model (`int_orders__as_of`): two of its rows with one key are two rows of
    the model with that key, which that model's own test checks. `--vars
    '{test_all_rows: true}'` tests every row anyway (after a failed build, say). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__rows_of_the_latest_build__' in where -%}
        {%- set where = where | replace('__rows_of_the_latest_build__',
            customer_segmentation.rows_of_the_latest_build(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{% macro rows_of_the_latest_build(relation) -%}
    {%- if var('test_all_rows') -%}
        1 = 1
    {%- else -%}
        _refreshed_at = (select max(latest._refreshed_at) from {{ relation }} as latest)
    {%- endif -%}
{%- endmacro %}
