-- Every raw fx_rates row, typed, with the reason it cannot be used (NULL = clean).
with

source as (

    select * from {{ source('raw', 'fx_rates') }}

),

typed as (

    select
        -- ids
        upper({{ clean_text('currency') }}) as currency,
        {{ safe_cast_date(clean_text('rate_date')) }} as rate_date,

        -- numerics
        {{ safe_cast_decimal(clean_text('rate_to_reporting'), 18, 8) }} as rate_to_reporting,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('fx_rates') }}

    from source

),

checked as (

    select
        *,
        case
            when currency is null or {{ clean_text('src_rate_date') }} is null then 'missing_key'
            when rate_date is null then 'unparseable_date'
            when {{ failed_to_parse('src_rate_to_reporting', 'rate_to_reporting') }}
                then 'unparseable_number'
            when rate_to_reporting is null or rate_to_reporting <= 0 then 'non_positive_rate'
            when rate_date > cast({{ build_started_at() }} as date) then 'future_timestamp'
        end as row_issue
    from typed

),

ranked as (

    select
        *,
        row_number() over (
            partition by currency, rate_date, row_issue order by _loaded_at, _source_row
        ) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    currency,
    rate_date,
    rate_to_reporting,
    {{ base_lineage_and_verdict() }}
from ranked
