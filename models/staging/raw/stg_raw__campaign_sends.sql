-- Clean campaign sends: one row per send_id; variant `control` marks the holdout group.
with

sends as (

    select * from {{ ref('base_raw__campaign_sends') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        send_id,
        campaign_id,
        customer_id,

        -- attributes
        coalesce(channel, 'unknown') as channel,
        variant,
        variant = 'control' as is_control,

        -- timestamps
        sent_at,
        opened_at,
        clicked_at,

        -- lineage
        _source_row,
        _loaded_at

    from sends

)

select * from renamed
