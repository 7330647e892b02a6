{#- Raw rows = clean rows + quarantined rows, for one raw table. Fails with the
    three counts when a row was lost or counted twice. Applied to each source. -#}
{% test rows_reconcile(model, clean_model, quarantine_model) %}
with counts as (
    select
        (select count(*) from {{ model }}) as raw_rows,
        (select count(*) from {{ ref(clean_model) }}) as clean_rows,
        (select count(*) from {{ ref(quarantine_model) }}) as quarantined_rows
)
select *
from counts
where raw_rows != clean_rows + quarantined_rows
{% endtest %}
