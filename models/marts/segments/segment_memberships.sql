-- One row per customer per segment type (customer_segments, long): filter any
-- segment type and value with one query.
select
    customer_id,
    segment_type,
    segment_value,
    as_of_date
from {{ ref('int_segment_memberships') }}
