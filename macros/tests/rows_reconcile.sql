{#- Raw rows = clean rows + quarantined rows, for one raw table, row by row: every
    raw row (`_loaded_at`, `_source_row`) is in exactly one of the clean and
    quarantine models, and neither holds a row that raw does not. Equal counts alone
    would pass a row lost and another counted twice. Returns one row per load that
    disagrees (`_source_row` NULL: its row counts) and each row of it placed a wrong
    number of times.

    Two passes, because the exact per-row comparison is a 28M-group aggregate on the
    order lines (4-6 s) and nearly always finds nothing:
    1. per load, the counts and the summed `integer_fingerprint` of `_source_row` on
       each side (~0.2 s). Equal multisets always agree; unequal ones disagree except
       with a chance of about 2^-64 per difference;
    2. the per-row comparison, over the loads that disagree only. -#}
{% test rows_reconcile(model, clean_model, quarantine_model) %}
{%- set row_sets = [(model, 1), (ref(clean_model), 0), (ref(quarantine_model), 0)] %}

with

loads as (

    select
        _loaded_at,
        sum(raw_copy) as raw_rows,
        sum(placed_copy) as placed_rows,
        sum(case when raw_copy = 1 then fingerprint else 0 end) as raw_fingerprint,
        sum(case when placed_copy = 1 then fingerprint else 0 end) as placed_fingerprint
    from (
        {{- customer_segmentation.rows_reconcile_copies(row_sets, with_fingerprint=true) }}
    ) as copies
    group by _loaded_at

),

disagreeing_loads as (

    select
        _loaded_at,
        raw_rows,
        placed_rows
    from loads
    where
        raw_rows != placed_rows
        or raw_fingerprint != placed_fingerprint

),

misplaced_rows as (

    select
        _loaded_at,
        _source_row,
        sum(raw_copy) as raw_copies,
        sum(placed_copy) as placed_copies
    from (
        {{- customer_segmentation.rows_reconcile_copies(row_sets,
            where='_loaded_at in (select _loaded_at from disagreeing_loads)') }}
    ) as copies
    group by _loaded_at, _source_row
    having sum(raw_copy) != sum(placed_copy)

)

select
    _loaded_at,
    cast(null as {{ dbt.type_bigint() }}) as _source_row,
    raw_rows as raw_copies,
    placed_rows as placed_copies
from disagreeing_loads
union all
select
    _loaded_at,
    _source_row,
    raw_copies,
    placed_copies
from misplaced_rows
{% endtest %}


{#- The rows of rows_reconcile's three row sets, one union: each row's load and row
    number, flagged as a raw copy or a placed (clean or quarantined) copy. -#}
{% macro rows_reconcile_copies(row_sets, with_fingerprint=false, where=none) %}
    {%- for relation, is_raw in row_sets %}
    select
        _loaded_at,
        _source_row,
        {%- if with_fingerprint %}
        {{ customer_segmentation.integer_fingerprint('_source_row') }} as fingerprint,
        {%- endif %}
        {{ is_raw }} as raw_copy,
        {{ 1 - is_raw }} as placed_copy
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endmacro %}
