-- Clean survey answers: one row per response_id.
with

responses as (

    select * from {{ ref('base_raw__survey_responses') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        response_id,
        customer_id,
        question_id,

        -- answers
        answer_text,
        answer_score,

        -- timestamps
        responded_at,

        -- lineage
        _source_row,
        _loaded_at

    from responses

)

select * from renamed
