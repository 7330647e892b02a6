-- Attitudinal features per customer from survey answers before as_of_date: the
-- latest NPS answer and its group, and the latest score per attitude question.
with

responses as (

    select responses.*
    from {{ ref('stg_raw__survey_responses') }} as responses
    where responses.responded_at < cast({{ as_of_date() }} as timestamp)

),

latest as (

    select
        *,
        row_number() over (
            partition by customer_id, question_id order by responded_at desc, response_id desc
        ) as answer_rank
    from responses
    where answer_score is not null

)

select
    customer_id,
    {%- for question in validated_name_list_var('attitude_questions') %}
        max(case when question_id = '{{ question }}' then answer_score end) as attitude_{{ question }},
    {%- endfor %}
    max(case when question_id = 'nps' then answer_score end) as nps_score,
    max(case when question_id = 'nps' then responded_at end) as nps_responded_at
from latest
where answer_rank = 1
group by customer_id
