-- Every raw orders row, typed, with the reason it cannot be used (NULL = clean).
-- Reason precedence: missing_key > unparseable_* > unknown_status > future_timestamp
-- > unknown_currency > missing_fx_rate > duplicate_key.
-- Incremental (doc block `incremental_base_models`): new loads, plus stored rows a
-- later fx rate or the clock can clear, plus the other rows of their keys.
{{
    config(
        materialized=incremental_materialization(),
        unique_key=['_load_id', '_source_row'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_base_rows('orders') }}",
    )
}}

with

{{ base_source_rows('orders', 'order_id', ['future_timestamp', 'unknown_currency', 'missing_fx_rate']) }},

fx_coverage as (

    -- First day each currency has a clean rate: an order before it has no rate
    -- "on or before its date" and is quarantined, never guessed.
    select
        currency,
        min(rate_date) as first_rate_date
    from {{ ref('base_raw__fx_rates') }}
    where quarantine_reason is null
    group by currency

),

typed as (

    select
        -- ids
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,

        -- attributes
        coalesce({{ normalise_label('status') }}, 'completed') as status,
        {{ normalise_label('channel') }} as channel,
        coalesce(upper({{ clean_text('currency') }}), '{{ validated_currency_var() }}') as currency,
        {{ safe_cast_bool(clean_text('is_gift')) }} as is_gift,
        {{ clean_text('promo_code') }} as promo_code,
        {{ clean_text('shipping_country') }} as shipping_country,

        -- timestamps
        {{ safe_cast_timestamp_utc(clean_text('ordered_at')) }} as ordered_at,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('orders') }}

    from source

),

checked as (

    select
        typed.*,
        case
            when typed.order_id is null or {{ clean_text('typed.src_ordered_at') }} is null
                then 'missing_key'
            when typed.ordered_at is null then 'unparseable_timestamp'
            when {{ failed_to_parse('typed.src_is_gift', 'typed.is_gift') }} then 'unparseable_bool'
            when typed.status not in ('completed', 'cancelled', 'returned', 'pending')
                then 'unknown_status'
            when typed.ordered_at > {{ build_started_at() }} then 'future_timestamp'
            when
                typed.currency != '{{ validated_currency_var() }}'
                and fx_coverage.currency is null
                then 'unknown_currency'
            when
                typed.currency != '{{ validated_currency_var() }}'
                and cast(typed.ordered_at as date) < fx_coverage.first_rate_date
                then 'missing_fx_rate'
        end as row_issue
    from typed
    left join fx_coverage
        on typed.currency = fx_coverage.currency

),

ranked as (

    -- Duplicated order ids keep the first seen row.
    select
        *,
        row_number() over (partition by order_id, row_issue order by _loaded_at, _source_row) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    order_id,
    customer_id,
    status,
    channel,
    currency,
    is_gift,
    promo_code,
    shipping_country,
    ordered_at,
    {{ base_lineage_and_verdict() }},
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings() }} as _build_settings
from ranked
