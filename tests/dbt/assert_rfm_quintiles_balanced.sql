-- With distinct values the five scores hold equal shares (within one customer).
-- Monetary is nearly distinct, so each M score's count must be within
-- n/5 +- (1 + customers sharing a monetary value with someone else); a score
-- that is never used while n >= 5 fails too.
with

scored as (

    select * from {{ ref('customer_rfm') }}
    where m_score is not null

),

totals as (

    select count(*) as scored_customers from scored

),

tied as (

    select coalesce(sum(customers), 0) as tied_customers
    from (
        select count(*) as customers
        from scored
        group by monetary
        having count(*) > 1
    ) as tied_values

),

scores as (

    select 1 as m_score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5

),

per_score as (

    select
        scores.m_score,
        count(scored.customer_id) as customers
    from scores
    left join scored
        on scores.m_score = scored.m_score
    group by scores.m_score

)

select
    per_score.m_score,
    per_score.customers,
    totals.scored_customers,
    tied.tied_customers
from per_score
cross join totals
cross join tied
where
    totals.scored_customers >= 5
    and abs(per_score.customers - totals.scored_customers / 5.0) > 1 + tied.tied_customers
