-- Every raw products row, typed, with the reason it cannot be used (NULL = clean).
with

source as (

    select * from {{ source('raw', 'products') }}

),

typed as (

    select
        -- ids
        {{ clean_text('product_id') }} as product_id,

        -- attributes
        {{ clean_text('product_name') }} as product_name,
        coalesce({{ normalise_label('category') }}, 'uncategorised') as category,
        {{ normalise_label('subcategory') }} as subcategory,
        {{ clean_text('brand') }} as brand,
        lower({{ clean_text('tags') }}) as tags,

        -- numerics
        {{ safe_cast_decimal(clean_text('list_price')) }} as list_price,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('products') }}

    from source

),

checked as (

    select
        *,
        case
            when product_id is null then 'missing_key'
            when {{ failed_to_parse('src_list_price', 'list_price') }} then 'unparseable_number'
            when list_price < 0 then 'negative_price'
        end as row_issue
    from typed

),

ranked as (

    select
        *,
        row_number() over (partition by product_id, row_issue order by _loaded_at, _source_row) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    product_id,
    product_name,
    category,
    subcategory,
    brand,
    tags,
    list_price,
    {{ base_lineage_and_verdict() }}
from ranked
