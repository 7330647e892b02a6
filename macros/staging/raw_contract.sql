{#-
    Contract columns per raw table, in contract order. Mirrors
    src/customer_segmentation/contract.py; tests/python/test_contract_sync.py
    fails when the two disagree.
-#}
{% macro raw_contract_columns(table_name) -%}
    {%- set columns = {
        'customers': ['customer_id', 'email', 'first_name', 'last_name', 'phone', 'birth_date',
                      'gender', 'country', 'region', 'city', 'postal_code', 'signup_at',
                      'acquisition_channel', 'marketing_opt_in', 'customer_type', 'company_name',
                      'industry', 'employee_count', 'annual_revenue', 'updated_at'],
        'orders': ['order_id', 'customer_id', 'ordered_at', 'status', 'channel', 'currency',
                   'is_gift', 'promo_code', 'shipping_country'],
        'order_items': ['order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price',
                        'discount_amount'],
        'products': ['product_id', 'product_name', 'category', 'subcategory', 'brand', 'tags',
                     'list_price'],
        'campaign_sends': ['send_id', 'campaign_id', 'customer_id', 'sent_at', 'channel',
                           'variant', 'opened_at', 'clicked_at'],
        'survey_responses': ['response_id', 'customer_id', 'responded_at', 'question_id',
                             'answer_text', 'answer_score'],
        'fx_rates': ['currency', 'rate_date', 'rate_to_reporting'],
    } -%}
    {{ return(columns[table_name]) }}
{%- endmacro %}

{#- The original text of every contract column, prefixed `src_`, plus the load
    metadata: the base models' checks need the text ("was there a value that did
    not parse?"); their output keeps only the typed columns and the lineage. -#}
{% macro keep_source_columns(table_name) -%}
    {%- for column in customer_segmentation.raw_contract_columns(table_name) %}
        {{ column }} as src_{{ column }},
    {%- endfor %}
        _source_file,
        _source_row,
        _load_id,
        _loaded_at
{%- endmacro %}

{#- Last columns of every base model: lineage, the row-level issue, the key rank
    and the verdict. The first row of a key (by load, then file row) is kept; later
    clean rows with the same key are duplicate_key. The original text is not
    repeated: quarantine models read it back from raw by (_load_id, _source_row),
    so the largest tables are not written twice (bench/README.md, "Findings"). -#}
{% macro base_lineage_and_verdict() -%}
    _source_file,
    _source_row,
    _load_id,
    _loaded_at,
    row_issue,
    key_rank,
    coalesce(row_issue, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
{%- endmacro %}

{#- Quarantine model body: the row exactly as loaded (read back from raw by its
    lineage key, so base tables need not carry a second copy of every text
    column), where it came from, and why. (_load_id, _source_row) is unique in
    raw (tested on every base model). -#}
{% macro quarantine_rows(base_model, table_name) -%}
with

verdicts as (

    select
        _load_id,
        _source_row,
        quarantine_reason
    from {{ ref(base_model) }}
    where quarantine_reason is not null

),

source as (

    select * from {{ source('raw', table_name) }}

)

select
    {%- for column in customer_segmentation.raw_contract_columns(table_name) %}
    source.{{ column }},
    {%- endfor %}
    verdicts.quarantine_reason,
    source._source_file,
    source._source_row,
    source._load_id,
    source._loaded_at
from verdicts
inner join source
    on
        verdicts._load_id = source._load_id
        and verdicts._source_row = source._source_row
{%- endmacro %}

{#- Timestamp when this build started, as a SQL literal: rows stamped after it
    are `future_timestamp`. -#}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
{%- endmacro %}

{#- "Text was there but did not parse": the raw value is non-empty and the
    typed value is NULL. -#}
{% macro failed_to_parse(raw_expression, typed_expression) -%}
    ({{ customer_segmentation.clean_text(raw_expression) }} is not null and {{ typed_expression }} is null)
{%- endmacro %}
