-- One row per customer per segment type: customer_segments unpivoted, so a BI
-- tool filters any segment type with one query. The types come from the
-- segment_types() macro, so every segment mart agrees on them.
with

assignments as (

    select * from {{ ref('int_customer_segment_values') }}

)

{{ unpivot_segment_types('assignments') }}
