-- A strictly better value never gets a lower score, per R, F and M (recency:
-- fewer days is better). Returns each pair of customers that breaks it.
with

scored as (

    select * from {{ ref('customer_rfm') }}
    where r_score is not null

),

recency as (

    select
        'recency' as dimension,
        better.customer_id as better_customer_id,
        worse.customer_id as worse_customer_id
    from scored as better
    inner join scored as worse
        on
            better.recency_days < worse.recency_days
            and better.r_score < worse.r_score

),

frequency as (

    select
        'frequency' as dimension,
        better.customer_id as better_customer_id,
        worse.customer_id as worse_customer_id
    from scored as better
    inner join scored as worse
        on
            better.frequency > worse.frequency
            and better.f_score < worse.f_score

),

monetary as (

    select
        'monetary' as dimension,
        better.customer_id as better_customer_id,
        worse.customer_id as worse_customer_id
    from scored as better
    inner join scored as worse
        on
            better.monetary > worse.monetary
            and better.m_score < worse.m_score

)

select * from recency
union all
select * from frequency
union all
select * from monetary
