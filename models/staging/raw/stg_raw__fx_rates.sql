-- Clean exchange rates: one row per currency and rate_date.
with

fx_rates as (

    select * from {{ ref('base_raw__fx_rates') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        currency,
        rate_date,

        -- numerics
        rate_to_reporting,

        -- lineage
        _source_row,
        _loaded_at

    from fx_rates

)

select * from renamed
