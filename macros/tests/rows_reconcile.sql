{#- Raw rows = clean rows + quarantined rows, for one raw table, row by row: every
    raw `_source_row` is in exactly one of the clean and quarantine models, and
    neither holds a row that raw does not. Equal counts alone would pass a row lost
    and another counted twice. Returns each row placed a wrong number of times. -#}
{% test rows_reconcile(model, clean_model, quarantine_model) %}
{#- One aggregate over the three row sets (a full outer join of two grouped
    sides took 7.6 s instead of 5.6 s on 28M order lines). -#}
with copies as (
    select
        _source_row,
        1 as raw_copy,
        0 as placed_copy
    from {{ model }}
    union all
    select
        _source_row,
        0 as raw_copy,
        1 as placed_copy
    from {{ ref(clean_model) }}
    union all
    select
        _source_row,
        0 as raw_copy,
        1 as placed_copy
    from {{ ref(quarantine_model) }}
)

select
    _source_row,
    sum(raw_copy) as raw_copies,
    sum(placed_copy) as placed_copies
from copies
group by _source_row
having sum(raw_copy) != sum(placed_copy)
{% endtest %}
