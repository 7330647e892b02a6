-- One row per clean order and occasion-calendar window its local date falls in
-- (doc block occasion_window), in the order's occasion country. `window_rank` 1
-- is the window the order is attributed to (doc block occasion_window_precedence).
with

local_times as (

    select
        order_id,
        customer_id,
        occasion_country_code,
        order_date_local
    from {{ ref('int_order_local_times') }}

),

window_days as (

    select * from {{ ref('int_occasion_window_days') }}

),

matched as (

    select
        local_times.order_id,
        local_times.customer_id,
        local_times.occasion_country_code,
        local_times.order_date_local,
        window_days.occasion_date,
        window_days.occasion_name,
        window_days.occasion_label,
        window_days.occasion_type,
        window_days.days_before
    from local_times
    inner join window_days
        on
            local_times.occasion_country_code = window_days.country_code
            and local_times.order_date_local = window_days.shopping_date

)

select
    order_id,
    customer_id,
    occasion_country_code,
    order_date_local,
    occasion_date,
    occasion_name,
    occasion_label,
    occasion_type,
    days_before,
    {{ is_shopping_holiday('occasion_type') }} as is_shopping_holiday,
    row_number() over (
        partition by order_id
        order by
            case when {{ is_shopping_holiday('occasion_type') }} then 0 else 1 end,
            days_before,
            {{ occasion_type_priority('occasion_type') }},
            occasion_name
    ) as window_rank
from matched
