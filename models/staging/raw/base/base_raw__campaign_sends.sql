-- Every raw campaign_sends row, typed, with the reason it cannot be used (NULL = clean).
-- Incremental (doc block `incremental_base_models`): new loads, plus stored rows the
-- clock can clear, plus the other rows of their keys.
{{
    config(
        materialized=incremental_materialization(),
        unique_key=['_load_id', '_source_row'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_base_rows('campaign_sends') }}",
    )
}}

with

{{ base_source_rows('campaign_sends', 'send_id', ['future_timestamp']) }},

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
    {{ base_lineage_and_verdict() }},
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings() }} as _build_settings
from ranked
