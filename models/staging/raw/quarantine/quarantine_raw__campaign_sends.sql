-- Raw campaign_sends rows that cannot be used: the row as loaded, where it came from, and why.
{{ quarantine_rows('base_raw__campaign_sends', 'campaign_sends') }}
