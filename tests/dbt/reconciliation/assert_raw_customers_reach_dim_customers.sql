-- Every customer in raw reaches dim_customers, unless staging quarantined every
-- row of it (each with its reason in quarantine_raw__customers) or it signed up on
-- or after as_of_date; every customer with a clean order before as_of_date is there
-- too (without a profile when its record is missing); and dim_customers holds no
-- one else. Returns the customers that are missing or unexpected.
with

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

-- base_raw__customers holds every raw row (rows_reconcile ties it to raw)
profiles as (

    select base.customer_id
    from {{ ref('base_raw__customers') }} as base
    cross join as_of
    where
        base.customer_id is not null
        and base.quarantine_reason is null
        and (base.signup_at is null or base.signup_at < cast(as_of.as_of_date as timestamp))

),

buyers as (

    select orders.customer_id
    from {{ ref('stg_raw__orders') }} as orders
    cross join as_of
    where
        orders.customer_id is not null
        and orders.ordered_at < cast(as_of.as_of_date as timestamp)

),

expected as (

    select customer_id from profiles
    union
    select customer_id from buyers

)

select
    coalesce(expected.customer_id, dim.customer_id) as customer_id,
    case when dim.customer_id is null then 'missing' else 'unexpected' end as problem
from expected
full outer join {{ ref('dim_customers') }} as dim
    on expected.customer_id = dim.customer_id
where expected.customer_id is null or dim.customer_id is null
