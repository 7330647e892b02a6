-- Every raw campaign_sends row, typed, with the reason it cannot be used (NULL = clean).
with

source as (

    select * from {{ source('raw', 'campaign_sends') }}

),

typed as (

    select
        -- ids
        {{ clean_text('send_id') }} as send_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('customer_id') }} as customer_id,

        -- attributes
        {{ normalise_label('channel') }} as channel,
        coalesce({{ normalise_label('variant') }}, 'treatment') as variant,

        -- timestamps
        {{ safe_cast_timestamp_utc(clean_text('sent_at')) }} as sent_at,
        {{ safe_cast_timestamp_utc(clean_text('opened_at')) }} as opened_at,
        {{ safe_cast_timestamp_utc(clean_text('clicked_at')) }} as clicked_at,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('campaign_sends') }}

    from source

),

checked as (

    select
        *,
        case
            when
                send_id is null
                or campaign_id is null
                or customer_id is null
                or {{ clean_text('src_sent_at') }} is null
                then 'missing_key'
            when
                sent_at is null
                or {{ failed_to_parse('src_opened_at', 'opened_at') }}
                or {{ failed_to_parse('src_clicked_at', 'clicked_at') }}
                then 'unparseable_timestamp'
            when sent_at > {{ build_started_at() }} then 'future_timestamp'
        end as row_issue
    from typed

),

ranked as (

    select
        *,
        row_number() over (partition by send_id, row_issue order by _loaded_at, _source_row) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    send_id,
    campaign_id,
    customer_id,
    channel,
    variant,
    sent_at,
    opened_at,
    clicked_at,
    {{ base_lineage_and_verdict() }}
from ranked
