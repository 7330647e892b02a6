-- Customers and revenue per RFM segment, largest revenue share first.
select
    segment_value as rfm_segment,
    customers,
    share_of_customers,
    revenue,
    share_of_revenue,
    avg_order_value,
    avg_recency_days
from {{ ref('segment_summary') }}
where segment_type = 'rfm_segment'
order by revenue desc, rfm_segment asc
