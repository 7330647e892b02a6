-- Every raw order_items row, typed, with the reason it cannot be used (NULL = clean).
-- Reason precedence: missing_key > unparseable_number > negative_price >
-- absurd_quantity > orphan_order > quarantined_order > duplicate_key.
-- Incremental (doc block `incremental_base_models`): new loads, plus stored rows a
-- later order can clear, plus the other rows of their keys.
{{
    config(
        materialized=incremental_materialization(),
        unique_key=['_load_id', '_source_row'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_base_rows('order_items') }}",
    )
}}

with

{{ base_source_rows('order_items', 'order_item_id', ['orphan_order', 'quarantined_order']) }},

orders as (

    select
        order_id,
        max(case when quarantine_reason is null then 1 else 0 end) as has_clean_order
    from {{ ref('base_raw__orders') }}
    where order_id is not null
    {%- if is_incremental() %}
        -- only the orders of the rows this build checks
        and order_id in (select {{ clean_text('source.order_id') }} from source)
    {%- endif %}
    group by order_id

),

typed as (

    select
        -- ids
        {{ clean_text('order_item_id') }} as order_item_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('product_id') }} as product_id,

        -- numerics (in the order's currency)
        {{ safe_cast_int(clean_text('quantity')) }} as quantity,
        {{ safe_cast_decimal(clean_text('unit_price')) }} as unit_price,
        {{ safe_cast_decimal(clean_text('discount_amount')) }} as discount_amount,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('order_items') }}

    from source

),

checked as (

    select
        typed.*,
        case
            when
                typed.order_item_id is null
                or typed.order_id is null
                or typed.product_id is null
                or {{ clean_text('typed.src_quantity') }} is null
                or {{ clean_text('typed.src_unit_price') }} is null
                then 'missing_key'
            when
                typed.quantity is null
                or typed.unit_price is null
                or {{ failed_to_parse('typed.src_discount_amount', 'typed.discount_amount') }}
                then 'unparseable_number'
            when typed.unit_price < 0 then 'negative_price'
            when abs(typed.quantity) > {{ validated_int_var('max_line_quantity') }} then 'absurd_quantity'
            when orders.order_id is null then 'orphan_order'
            when orders.has_clean_order = 0 then 'quarantined_order'
        end as row_issue
    from typed
    left join orders
        on typed.order_id = orders.order_id

),

ranked as (

    select
        *,
        row_number() over (partition by order_item_id, row_issue order by _loaded_at, _source_row) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    order_item_id,
    order_id,
    product_id,
    quantity,
    unit_price,
    discount_amount,
    {{ base_lineage_and_verdict() }},
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings() }} as _build_settings
from ranked
