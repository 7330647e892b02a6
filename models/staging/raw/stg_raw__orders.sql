-- Clean orders: one row per order_id, timestamps in UTC, normalised status and channel.
with

orders as (

    select * from {{ ref('base_raw__orders') }}
    where quarantine_reason is null

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

renamed as (

    select
        -- ids
        orders.order_id,
        orders.customer_id,

        -- attributes
        orders.status,
        coalesce(orders.channel, 'unknown') as channel,
        orders.currency,
        coalesce(orders.is_gift, false) as is_gift,
        orders.promo_code is not null as has_promo_code,
        orders.promo_code,
        coalesce(country_aliases.country_code, 'unknown') as shipping_country_code,

        -- timestamps
        orders.ordered_at,
        cast(orders.ordered_at as date) as ordered_date_utc,

        -- lineage
        orders._source_row,
        orders._loaded_at,
        -- when base_raw__orders last wrote the row (the key test reads the latest build's)
        orders._refreshed_at

    from orders
    left join country_aliases
        on {{ country_lookup_key('orders.shipping_country') }} = country_aliases.alias

)

select * from renamed
