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
    literal: the vars the incremental models read and the checksums of the `seeds`
    the model reads (dbt's sha256 of the file, or a digest of the loaded table for
    files dbt does not hash), then the model's own `settings` ('name=value' strings,
    e.g. the vars only it reads). A build with other settings deletes every stored
    row first (see prune_incremental), so it recomputes them all. Only seeds
    upstream of the model: they are loaded before it runs. -#}
{% macro incremental_build_settings(seeds=[], settings=[]) -%}
    {%- set parts = [
        "reporting_currency=" ~ customer_segmentation.validated_currency_var(),
        "max_line_quantity=" ~ customer_segmentation.validated_int_var('max_line_quantity'),
        "birthday_window_days=" ~ customer_segmentation.validated_int_var('birthday_window_days'),
        "anniversary_window_days=" ~ customer_segmentation.validated_int_var('anniversary_window_days'),
    ] -%}
    {#- graph has no nodes at parse time and in unit tests (no stored rows there). -#}
    {%- set nodes = graph.get('nodes', {}) if execute else {} -%}
    {%- for seed in seeds -%}
        {%- set node = nodes.get('seed.customer_segmentation.' ~ seed) -%}
        {%- if node and node.checksum.name == 'sha256' -%}
            {%- do parts.append(seed ~ "=" ~ node.checksum.checksum[:16]) -%}
        {%- elif node -%}
            {#- dbt does not hash seed files over 1 MiB (their checksum is the path):
                digest the loaded table instead. -#}
            {#- The relation from the graph, not ref(): no dependency to declare (the
                callers' seeds are upstream of them anyway). -#}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- do parts.append(seed ~ "=" ~ customer_segmentation.table_digest(relation)[:16]) -%}
        {%- endif -%}
    {%- endfor -%}
    '{{ (parts + settings) | join(";") }}'
{%- endmacro %}


{#- The seeds each family of incremental models reads, for its build settings
    (written once here: the pre-hook and the `_build_settings` column of a model
    must use the same list, or no stored row would ever match). -#}
{% macro order_fact_seeds() -%}
    {{ return(['country_aliases']) }}
{%- endmacro %}

{% macro order_occasion_seeds() -%}
    {{ return(['country_aliases', 'countries', 'occasion_calendar']) }}
{%- endmacro %}


{#- This build's start as a timestamp with microseconds: the `_refreshed_at` of
    every row an order-fact model writes in this run (a later build's is larger). -#}
{% macro build_run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#- Pre-hook of an incremental order fact or per-order occasion table: before
    the new rows are computed, delete stored rows whose key is gone from
    `upstream` (a replacing load, a row now quarantined) and every row computed
    with other settings. `timestamp_columns`: the model's bookkeeping timestamps
    besides `_refreshed_at` (added to a table from before it was incremental).
    `base`: the base model under `upstream` (a staging view of its clean rows),
    for a model that stores its rows' `_loaded_at`: then only the keys that base
    changed since this model's latest build are looked up (stored_key_gone_from).
    `one_row_per_upstream_key`: the model has exactly one row per key of
    `upstream` after each build; then the stored keys are looked up only when a
    count says some may be gone (stored_keys_may_be_gone). -#}
{% macro prune_order_facts(key, upstream, timestamp_columns=['_loaded_at'], seeds=[], base=none,
                           one_row_per_upstream_key=false) -%}
    {%- set bookkeeping = [] -%}
    {%- for column in timestamp_columns + ['_refreshed_at'] -%}
        {%- do bookkeeping.append((column, dbt.type_timestamp())) -%}
    {%- endfor -%}
    {%- do bookkeeping.append(('_build_settings', dbt.type_string())) -%}
    {%- if base is none -%}
        {%- if one_row_per_upstream_key -%}
            {%- set stale = customer_segmentation.stored_key_not_in_when_counted(key, upstream) -%}
        {%- else -%}
            {%- set stale = customer_segmentation.stored_key_not_in(key, upstream) -%}
        {%- endif -%}
    {%- else -%}
        {%- set stale = customer_segmentation.stored_key_gone_from(key, upstream, base) -%}
    {%- endif -%}
    {{ customer_segmentation.prune_incremental(bookkeeping, stale, seeds) }}
{%- endmacro %}


{#- The stale condition of a prune on a model fed by the staging view `upstream`
    of `base` (an incremental base model with `_refreshed_at` and `_loaded_at`),
    without looking up all of the stored keys in `upstream` (4.1 s on 28M order
    lines in DuckDB; this takes ~1 s). After each build every stored key is in
    `upstream`. A key can leave it only through a change to `base`, which either
    rewrites the key's rows (delete+insert: their `_refreshed_at` is then later
    than this model's latest) or deletes a whole load that is no longer in raw
    (the stored rows of that load then have a `_loaded_at` that base lacks). Only
    those keys are looked up. -#}
{% macro stored_key_gone_from(key, upstream, base) -%}
{{ key }} in (
            with candidates as (
                select changed.{{ key }}
                from {{ base }} as changed
                where changed._refreshed_at > (select max(latest._refreshed_at) from {{ this }} as latest)
                union
                select of_gone_loads.{{ key }}
                from {{ this }} as of_gone_loads
                where {{ customer_segmentation.key_not_in(
                    'of_gone_loads._loaded_at', customer_segmentation.distinct_keys('_loaded_at', base),
                    '_loaded_at', alias='loads') }}
            ),

            still_upstream as (
                select upstream.{{ key }}
                from {{ upstream }} as upstream
                where upstream.{{ key }} in (select candidates.{{ key }} from candidates)
            )

            select candidates.{{ key }}
            from candidates
            where {{ customer_segmentation.key_not_in('candidates.' ~ key, 'still_upstream', key) }}
        )
{%- endmacro %}


{#- Whether a stored key of this model may be gone from `upstream` (so the prune
    must look every stored key up there), decided by counting instead of the
    anti-join (1.5 s for 11.8M orders alone on DuckDB, 2.5-3.5 s in a build; this
    takes a fraction of that). For models with exactly one row per key of
    `upstream` [that passes `where`] after each build, where `upstream` has
    `_refreshed_at`: with S the stored keys, U the upstream keys and N the
    upstream keys refreshed since this model's latest `_refreshed_at` [or with
    `latest_column` at or after the stored maximum of it: rows a build recomputes
    whether refreshed or not], every key of U but not N was in U at this model's
    last build, so it is in S. Hence S minus N contains U minus N, and if the two
    have as many keys they are equal; then no stored key is outside U (keys are
    unique in both, which their tests check). Any other count (or a table without
    `_refreshed_at`, from before the model was incremental) means keys may be
    gone: true. Executes a query (run time only). -#}
{% macro stored_keys_may_be_gone(key, upstream, where=none, latest_column=none) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name')
        | map('lower') | list -%}
    {%- if '_refreshed_at' not in stored_columns -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set counts_sql -%}
        with

        latest as (
            select
                max(_refreshed_at) as refreshed_through
                {%- if latest_column %},
                max({{ latest_column }}) as latest_value
                {%- endif %}
            from {{ this }}
        ),

        upstream_keys as (
            select upstream.*
            from {{ upstream }} as upstream
            where upstream.{{ key }} is not null{% if where %} and {{ where }}{% endif %}
        ),

        refreshed as (
            select upstream.{{ key }}
            from upstream_keys as upstream
            cross join latest
            where
                latest.refreshed_through is null
                or upstream._refreshed_at > latest.refreshed_through
                {%- if latest_column %}
                or upstream.{{ latest_column }} >= latest.latest_value
                {%- endif %}
        )

        select
            (select count({{ key }}) from {{ this }})
            - (
                select count(stored.{{ key }}) from {{ this }} as stored
                where stored.{{ key }} in (select refreshed.{{ key }} from refreshed)
            ) as stored_not_refreshed,
            (select count(*) from upstream_keys)
            - (select count(*) from refreshed) as upstream_not_refreshed
    {%- endset -%}
    {%- set row = run_query(counts_sql).rows[0] -%}
    {{ return(row[0] != row[1]) }}
{%- endmacro %}


{#- The stale condition of a prune whose stored keys are counted first: the
    anti-join (stored_key_not_in) when stored_keys_may_be_gone says a key may be
    gone, else `false` (nothing to look up). Same arguments as those two. -#}
{% macro stored_key_not_in_when_counted(key, upstream, where=none, latest_column=none) -%}
    {%- if customer_segmentation.stored_keys_may_be_gone(key, upstream, where=where,
                                                          latest_column=latest_column) -%}
        {{ return(customer_segmentation.stored_key_not_in(key, upstream, where=where)) }}
    {%- endif -%}
    {{ return('false') }}
{%- endmacro %}


{#- The stale condition of a prune: the stored row's `key` (the table being pruned
    is aliased `stored`) has no row in `upstream` [that passes `where`, a condition
    on `upstream`'s columns]. An anti-join on each engine, and a NULL key upstream
    cannot make it delete nothing. -#}
{% macro stored_key_not_in(key, upstream, where=none) -%}
    {{ return(customer_segmentation.key_not_in('stored.' ~ key, upstream, key, alias='upstream',
                                               where=where)) }}
{%- endmacro %}


{#- The prune pre-hooks' shared body. Deletes the rows `stale_condition` selects
    and every row computed with other build settings. A table built before its
    model was incremental (no `_build_settings`) is emptied and given the
    missing `bookkeeping` columns (name, type), so the build recomputes every
    row into it. `compare_settings=false`: a model without `_build_settings`
    (its inputs' settings reach it as refreshed rows); the first bookkeeping
    column then marks a table from before. Renders nothing on a full build. -#}
{% macro prune_incremental(bookkeeping, stale_condition, seeds=[], settings=[], compare_settings=true) -%}
    {%- if is_incremental() -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {#- The column whose absence marks a table from before the model was incremental. -#}
        {%- set marker = '_build_settings' if compare_settings else bookkeeping[0][0] -%}
        {%- if marker not in stored -%}
            delete from {{ this }};
            {%- for column, data_type in bookkeeping if column not in stored %}
            alter table {{ this }} add column {{ column }} {{ data_type }};
            {%- endfor %}
        {%- else -%}
        {#- Two statements, not one OR: PostgreSQL cannot plan an anti join
            (`stale_condition`) under OR, and runs it as a SubPlan per stored row. -#}
        {% if compare_settings -%}
        delete from {{ this }} as stored
        where _build_settings != {{ customer_segmentation.incremental_build_settings(seeds, settings) }};
        {% endif -%}
        delete from {{ this }} as stored
        where {{ stale_condition }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of a model with several rows per order (delete+insert on order_id
    only replaces orders that still have rows): delete the stored rows of every
    order `upstream` refreshed since this model's latest `_refreshed_at`, so an
    order that now has no rows loses its old ones. -#}
{% macro prune_recomputed_orders(upstream) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where order_id in (
            select order_id
            from {{ upstream }}
            where _refreshed_at > (select max(_refreshed_at) from {{ this }})
        )
    {%- endif -%}
{%- endmacro %}


{#- An md5 digest of a table's rows (order-independent), as text, or '' where the
    incremental models are tables (Spark). Runs a query: execution time only. -#}
{% macro table_digest(relation) -%}
    {{ return(adapter.dispatch('table_digest', 'customer_segmentation')(relation)) }}
{%- endmacro %}

{% macro default__table_digest(relation) -%}
    {#- Not loaded yet: only where nothing runs (sqlfluff compiling against an empty
        database); the callers' seeds are upstream of them in a build. -#}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set result = run_query(
        "select md5(string_agg(r, '|' order by r)) from (select cast(t as "
        ~ dbt.type_string() ~ ") as r from " ~ relation ~ " as t) as rows_as_text") -%}
    {{ return(result.columns[0].values()[0] or '') }}
{%- endmacro %}

{% macro spark__table_digest(relation) -%}
    {{ return('') }}
{%- endmacro %}


{#- Pre-hook of fct_orders (doc block `incremental_fct_orders`): deletes the stored
    orders that are not in int_orders before as_of_date any more (gone upstream,
    moved after the cut, or the cut moved back over them). -#}
{% macro prune_orders_outside_the_cut() -%}
    {%- set before_the_cut = 'upstream.ordered_at < cast(' ~ customer_segmentation.as_of_date() ~ ' as timestamp)' -%}
    {#- One row per order of int_orders before the cut after each build; a build
        recomputes the refreshed orders and those from the latest stored one on. -#}
    {%- set stale = customer_segmentation.stored_key_not_in_when_counted(
        'order_id', ref('int_orders'), where=before_the_cut, latest_column='ordered_at') -%}
    {{ customer_segmentation.prune_incremental([('_refreshed_at', dbt.type_timestamp())], stale,
                                               compare_settings=false) }}
{%- endmacro %}


{#- A LEFT JOIN of the distinct `key`s of `relation` as `alias`, on `outer_key`:
    the incremental models select the rows to recompute with
    `... or <alias>.<key> is not null` instead of `... or <outer_key> in (select ...)`.
    PostgreSQL cannot turn an IN under OR into a join: it runs a SubPlan, hashed
    only while the list fits in work_mem, else scanned once per row (and once per
    row whatever its size when the subquery reads a column of the outer query).
    test_no_join_is_planned_as_a_subplan_on_postgres checks every plan. -#}
{% macro left_join_key_set(alias, relation, key, outer_key) -%}
left join {{ customer_segmentation.distinct_keys(key, relation) }} as {{ alias }}
        on {{ outer_key }} = {{ alias }}.{{ key }}
{%- endmacro %}


{#- `(select distinct <key> from <relation>)`: a key set to join or look up, deduplicated
    first because it is read from a table with many rows per key (loads, orders). -#}
{% macro distinct_keys(key, relation) -%}
    {{ return('(select distinct ' ~ key ~ ' from ' ~ relation ~ ')') }}
{%- endmacro %}
