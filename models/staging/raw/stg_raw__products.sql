-- Clean products: one row per product_id, category normalised (NULL = uncategorised).
with

products as (

    select * from {{ ref('base_raw__products') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        product_id,

        -- attributes
        product_name,
        category,
        subcategory,
        brand,
        tags,
        category = 'non_product' as is_non_product,

        -- numerics
        list_price,

        -- lineage
        _source_row,
        _loaded_at

    from products

)

select * from renamed
