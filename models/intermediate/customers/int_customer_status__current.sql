-- RFM values, scores, segment, lifecycle stage and value tier per customer at as_of_date.
{{ customer_status_at(as_of_date()) }}
