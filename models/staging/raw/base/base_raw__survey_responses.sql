-- Every raw survey_responses row, typed, with the reason it cannot be used (NULL = clean).
-- Incremental (doc block `incremental_base_models`): new loads, plus stored rows the
-- clock can clear, plus the other rows of their keys.
{{
    config(
        materialized=incremental_materialization(),
        unique_key=['_load_id', '_source_row'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_base_rows('survey_responses') }}",
    )
}}

with

{{ base_source_rows('survey_responses', 'response_id', ['future_timestamp']) }},

typed as (

    select
        -- ids
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ normalise_label('question_id') }} as question_id,

        -- answers
        {{ clean_text('answer_text') }} as answer_text,
        {{ safe_cast_decimal(clean_text('answer_score')) }} as answer_score,

        -- timestamps
        {{ safe_cast_timestamp_utc(clean_text('responded_at')) }} as responded_at,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('survey_responses') }}

    from source

),

checked as (

    select
        *,
        case
            when
                response_id is null
                or customer_id is null
                or question_id is null
                or {{ clean_text('src_responded_at') }} is null
                then 'missing_key'
            when responded_at is null then 'unparseable_timestamp'
            when {{ failed_to_parse('src_answer_score', 'answer_score') }} then 'unparseable_number'
            when responded_at > {{ build_started_at() }} then 'future_timestamp'
        end as row_issue
    from typed

),

ranked as (

    select
        *,
        row_number() over (partition by response_id, row_issue order by _loaded_at, _source_row) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    response_id,
    customer_id,
    question_id,
    answer_text,
    answer_score,
    responded_at,
    {{ base_lineage_and_verdict() }},
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings() }} as _build_settings
from ranked
