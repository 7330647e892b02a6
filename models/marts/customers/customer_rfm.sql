-- One row per customer known at as_of_date: RFM values, quintile scores and the
-- named segment from the editable `rfm_segment_map` seed.
select
    customer_id,
    as_of_date,
    recency_days,
    frequency,
    monetary,
    r_score,
    f_score,
    m_score,
    rfm_cell,
    rfm_segment
from {{ ref('int_customer_status__current') }}
