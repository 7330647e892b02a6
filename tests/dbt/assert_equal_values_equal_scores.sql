-- Equal values always get equal scores, per R, F and M: one value, one score.
with

scored as (

    select * from {{ ref('customer_rfm') }}
    where r_score is not null

),

per_value as (

    select
        'recency' as dimension,
        cast(recency_days as decimal(18, 2)) as score_value,
        count(distinct r_score) as distinct_scores
    from scored
    group by recency_days
    union all
    select
        'frequency' as dimension,
        cast(frequency as decimal(18, 2)) as score_value,
        count(distinct f_score) as distinct_scores
    from scored
    group by frequency
    union all
    select
        'monetary' as dimension,
        monetary as score_value,
        count(distinct m_score) as distinct_scores
    from scored
    group by monetary

)

select * from per_value
where distinct_scores > 1
