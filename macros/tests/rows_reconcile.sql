{#- Raw rows = clean rows + quarantined rows, for one raw table, row by row: every
    raw `_source_row` is in exactly one of the clean and quarantine models, and
    neither holds a row that raw does not. Equal counts alone would pass a row lost
    and another counted twice. Returns each row placed a wrong number of times. -#}
{% test rows_reconcile(model, clean_model, quarantine_model) %}
with raw_rows as (
    select
        _source_row,
        count(*) as raw_copies
    from {{ model }}
    group by _source_row
),

placed_rows as (
    select
        _source_row,
        count(*) as placed_copies
    from (
        select _source_row from {{ ref(clean_model) }}
        union all
        select _source_row from {{ ref(quarantine_model) }}
    ) as clean_and_quarantined
    group by _source_row
)

select
    coalesce(raw_rows._source_row, placed_rows._source_row) as _source_row,
    coalesce(raw_rows.raw_copies, 0) as raw_copies,
    coalesce(placed_rows.placed_copies, 0) as placed_copies
from raw_rows
full outer join placed_rows
    on raw_rows._source_row = placed_rows._source_row
where coalesce(raw_rows.raw_copies, 0) != coalesce(placed_rows.placed_copies, 0)
{% endtest %}
