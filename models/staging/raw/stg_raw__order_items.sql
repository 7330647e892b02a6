-- Clean order lines: one row per order_item_id, amounts in the order's currency.
with

order_items as (

    select * from {{ ref('base_raw__order_items') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        order_item_id,
        order_id,
        product_id,

        -- numerics (order currency)
        quantity,
        unit_price,
        coalesce(discount_amount, 0) as discount_amount,
        -- decimal(18, 4) (lines up to 10^14) keeps later products exact: Spark
        -- cuts the scale of a product whose precision would pass 38, so
        -- decimal(38, 4) * rate was rounded twice there.
        cast(quantity * unit_price - coalesce(discount_amount, 0) as decimal(18, 4))
            as line_net_amount,
        quantity < 0 as is_return_line,

        -- lineage
        _source_row,
        _loaded_at,
        -- when base_raw__order_items last wrote the row (the key test reads the latest build's)
        _refreshed_at

    from order_items

)

select * from renamed
