-- Every customer of customer_segments has exactly one membership of every segment
-- type (macro segment_types), and memberships hold no other customer. Returns the
-- customer and how many types they have.
{%- set type_count = segment_types() | length %}

with

per_customer as (

    select
        customer_id,
        count(distinct segment_type) as segment_types,
        count(*) as memberships
    from {{ ref('segment_memberships') }}
    group by customer_id

)

select
    coalesce(segments.customer_id, per_customer.customer_id) as customer_id,
    per_customer.segment_types,
    per_customer.memberships
from {{ ref('customer_segments') }} as segments
full outer join per_customer
    on segments.customer_id = per_customer.customer_id
where
    segments.customer_id is null
    or per_customer.customer_id is null
    or per_customer.segment_types != {{ type_count }}
    or per_customer.memberships != {{ type_count }}
