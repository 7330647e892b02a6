-- Raw order_items rows that cannot be used: the row as loaded, where it came from, and why.
{{ quarantine_rows('base_raw__order_items', 'order_items') }}
