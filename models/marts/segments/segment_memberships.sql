-- One row per customer per segment type (customer_segments, long): filter any
-- segment type and value with one query.
-- A view: the rows are int_segment_memberships' as they stand, and copying 14M
-- rows into a second table cost ~6 s of every build (bench/README.md,
-- "Incremental builds (stop 20)"). BI roles read it with the view owner's rights,
-- so they still need nothing outside the marts schema.
{{ config(materialized='view') }}

select
    customer_id,
    segment_type,
    segment_value,
    as_of_date
from {{ ref('int_segment_memberships') }}
