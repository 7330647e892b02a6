{#- Generic tests for tables without a contract (the clustering outputs, which
    are dbt Python models on DuckDB), comparing a column with row counts. -#}

{#- Fails unless the column's values are exactly 1..n, once each, for the n rows
    of the model (cluster ids 1..k). -#}
{% test consecutive_from_one(model, column_name) %}
with stats as (
    select
        count(*) as row_count,
        count(distinct {{ column_name }}) as distinct_values,
        min({{ column_name }}) as min_value,
        max({{ column_name }}) as max_value
    from {{ model }}
)
select *
from stats
where
    row_count > 0
    and (min_value != 1 or max_value != row_count or distinct_values != row_count)
{% endtest %}

{#- Fails when the column's sum differs from the row count of compare_model
    (cluster sizes must add up to the clustered customers). -#}
{% test sum_equals_row_count(model, column_name, compare_model) %}
with totals as (
    select
        (select coalesce(sum({{ column_name }}), 0) from {{ model }}) as column_sum,
        (select count(*) from {{ compare_model }}) as compare_rows
)
select *
from totals
where column_sum != compare_rows
{% endtest %}

{#- Fails for each row whose value differs from the row count of compare_model
    (the run's k must equal the number of profiles). -#}
{% test equals_row_count(model, column_name, compare_model) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} != (select count(*) from {{ compare_model }})
{% endtest %}
