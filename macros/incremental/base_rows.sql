{#- Incremental base models (doc block `incremental_base_models`). -#}

{#- The raw rows a base model types and checks, as the CTE `source` (plus the
    CTEs it needs). A full build takes every raw row. An incremental build takes:
    - rows of loads the model has not seen (by `_load_id`);
    - stored rows whose `row_issue` is one of `recheck_issues`: issues that later
      data or the passing of time can clear (a late order, fx rate or clock);
    - every stored row sharing a key with either, so that the duplicate-key rank
      is computed over all rows of each key it touches, exactly as a full build
      ranks them (rows of other keys keep their stored rank).
    Rows read back from raw by their lineage key (`_load_id`, `_source_row`). -#}
{% macro base_source_rows(table_name, key_column, recheck_issues) -%}
{%- set raw_table = source('raw', table_name) -%}
{%- set rechecked = "('" ~ recheck_issues | join("', '") ~ "')" -%}
{%- if is_incremental() -%}
stored_loads as (

    select distinct _load_id from {{ this }}

),

new_rows as (

    select raw_rows.*
    from {{ raw_table }} as raw_rows
    where {{ customer_segmentation.key_not_in('raw_rows._load_id', 'stored_loads', '_load_id') }}

),

recheck_keys as (

    select {{ key_column }}
    from {{ this }}
    where row_issue in {{ rechecked }}
    union
    select {{ customer_segmentation.clean_text(key_column) }}
    from new_rows

),

recheck_rows as (

    select
        stored._load_id,
        stored._source_row
    from {{ this }} as stored
    {{ customer_segmentation.left_join_key_set('rechecked_key', 'recheck_keys', key_column,
                                               'stored.' ~ key_column) }}
    where
        stored.row_issue in {{ rechecked }}
        or rechecked_key.{{ key_column }} is not null

),

source as (

    select * from new_rows
    union all
    select raw_rows.*
    from {{ raw_table }} as raw_rows
    inner join recheck_rows
        on
            raw_rows._load_id = recheck_rows._load_id
            and raw_rows._source_row = recheck_rows._source_row

)
{%- else -%}
source as (

    select * from {{ raw_table }}

)
{%- endif -%}
{%- endmacro %}


{#- Pre-hook of an incremental base model: delete stored rows of loads no
    longer in raw (a replacing load) and every row computed with other build
    settings; a table from before the model was incremental is recomputed.
    `distinct`: the lookup is over a handful of load ids, not every raw row. -#}
{% macro prune_base_rows(table_name) -%}
    {{ customer_segmentation.prune_incremental(
        [('_build_settings', dbt.type_string())],
        customer_segmentation.key_not_in(
            'stored._load_id', customer_segmentation.distinct_keys('_load_id', source('raw', table_name)),
            '_load_id', alias='loads')) }}
{%- endmacro %}
