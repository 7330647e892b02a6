-- Raw orders rows that cannot be used: the row as loaded, where it came from, and why.
{{ quarantine_rows('base_raw__orders', 'orders') }}
