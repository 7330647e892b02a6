-- One row per calendar occasion and day of its shopping window: the occasion
-- calendar expanded so orders match windows with an equality join on
-- (country, date) instead of a range join over every occasion of the country.
with

calendar as (

    select * from {{ ref('occasion_calendar') }}

),

window_offsets as (

    -- 0 = the occasion day itself, up to the longest supported window.
    select cast(generated_number as integer) - 1 as days_before
    from ({{ dbt.generate_series(max_occasion_window_days() + 1) }}) as series

)

select
    calendar.country_code,
    cast({{ dbt.dateadd('day', '-1 * window_offsets.days_before', 'calendar.occasion_date') }} as date)
        as shopping_date,
    calendar.occasion_date,
    calendar.occasion_name,
    calendar.occasion_label,
    calendar.occasion_type,
    calendar.window_days,
    window_offsets.days_before
from calendar
inner join window_offsets
    on calendar.window_days >= window_offsets.days_before
