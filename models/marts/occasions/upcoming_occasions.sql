-- One row per customer per occasion in the horizon (as_of_date, as_of_date +
-- upcoming_horizon_days]: birthdays, first-purchase anniversaries, loyalty
-- milestones and the shopping occasions of the customer's country they have
-- shopped for before (doc block upcoming_occasion_rules).
{%- set horizon = validated_int_var('upcoming_horizon_days') %}

with

status as (

    select
        customer_id,
        as_of_date,
        frequency,
        monetary,
        value_tier,
        lifecycle_stage
    from {{ ref('int_customer_status__current') }}

),

profiles as (

    select
        customer_id,
        birth_date,
        country_code,
        is_marketing_opt_in
    from {{ ref('stg_raw__customers') }}

),

behaviour as (

    select
        customer_id,
        avg_order_value,
        last_order_date,
        mean_days_between_orders
    from {{ ref('int_customer_behaviour') }}

),

order_history as (

    -- Qualifying orders before as_of_date (for the occasions they were bought for).
    select order_id
    from {{ ref('int_orders__as_of') }}
    where is_qualifying

),

occasion_history as (

    -- Each customer's first purchase and latest order's country, kept per
    -- customer (and incrementally) by int_customer_occasion_shares.
    select
        customer_id,
        first_order_date_local,
        latest_order_country_code
    from {{ ref('int_customer_occasion_shares') }}

),

customers as (

    select
        status.customer_id,
        status.as_of_date,
        status.frequency,
        status.monetary,
        status.value_tier,
        status.lifecycle_stage,
        profiles.birth_date,
        occasion_history.first_order_date_local,
        behaviour.avg_order_value,
        behaviour.last_order_date,
        behaviour.mean_days_between_orders,
        -- the profile's country; without one, the country of the latest order
        case
            when profiles.country_code is not null and profiles.country_code != 'unknown'
                then profiles.country_code
            else occasion_history.latest_order_country_code
        end as country_code,
        coalesce(profiles.is_marketing_opt_in, false) as is_contactable
    from status
    left join profiles
        on status.customer_id = profiles.customer_id
    left join behaviour
        on status.customer_id = behaviour.customer_id
    left join occasion_history
        on status.customer_id = occasion_history.customer_id

),

year_offsets as (

    -- 0 = the as_of_date year; later years while the horizon reaches them
    select cast(generated_number as integer) - 1 as year_offset
    from ({{ dbt.generate_series(horizon // 365 + 2) }}) as series

),

birthdays as (

    select
        customers.customer_id,
        'birthday' as occasion_type,
        'birthday' as occasion_name,
        'Birthday' as occasion_label,
        {{ recurrence_in_year('customers.birth_date',
                              date_part_int('year', 'customers.as_of_date') ~ ' + year_offsets.year_offset') }}
            as occasion_date
    from customers
    cross join year_offsets
    where
        customers.birth_date is not null
        and {{ date_part_int('year', 'customers.as_of_date') }} + year_offsets.year_offset
        > {{ date_part_int('year', 'customers.birth_date') }}

),

anniversaries as (

    select
        candidates.customer_id,
        'first_purchase_anniversary' as occasion_type,
        {{ dbt.concat(["'first_purchase_anniversary_'", dbt.cast('anniversary_years', dbt.type_string())]) }}
            as occasion_name,
        {{ dbt.concat(["'First-purchase anniversary, year '", dbt.cast('anniversary_years', dbt.type_string())]) }}
            as occasion_label,
        occasion_date
    from (
        select
            customers.customer_id,
            {{ date_part_int('year', 'customers.as_of_date') }} + year_offsets.year_offset
            - {{ date_part_int('year', 'customers.first_order_date_local') }} as anniversary_years,
            {{ recurrence_in_year('customers.first_order_date_local',
                                  date_part_int('year', 'customers.as_of_date') ~ ' + year_offsets.year_offset') }}
                as occasion_date
        from customers
        cross join year_offsets
        where customers.first_order_date_local is not null
    ) as candidates
    where anniversary_years >= 1

),

next_orders as (

    -- When the next qualifying order is expected: the last one plus the mean gap
    -- between orders, at the earliest the day after as_of_date (due now). Only
    -- customers with a buying rhythm (>= 2 orders) who have not lapsed.
    select
        customer_id,
        frequency,
        monetary,
        value_tier,
        avg_order_value,
        case
            when expected_date > as_of_date then expected_date
            else cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as date)
        end as expected_next_order_date
    from (
        select
            *,
            cast(
                {#- floor(x + 0.5): round() on a double is half-to-even on PostgreSQL #}
                {{ dbt.dateadd('day', 'cast(floor(mean_days_between_orders + 0.5) as integer)', 'last_order_date') }}
                as date
            ) as expected_date
        from customers
        where
            frequency >= 2
            and mean_days_between_orders is not null
            and lifecycle_stage not in ('lapsed', 'churned')
    ) as rhythms

),

order_milestones as (

    select
        customer_id,
        'loyalty_milestone_orders' as occasion_type,
        {{ dbt.concat(["'order_'", dbt.cast('frequency + 1', dbt.type_string())]) }} as occasion_name,
        {{ dbt.concat(["'Order number '", dbt.cast('frequency + 1', dbt.type_string())]) }} as occasion_label,
        expected_next_order_date as occasion_date
    from next_orders
    where frequency + 1 in ({{ loyalty_order_milestones() | join(', ') }})

),

tier_thresholds as (

    -- The least monetary value any customer of each tier has: reaching it
    -- moves a customer into that tier (ties share a tier).
    select
        value_tier,
        min(monetary) as threshold
    from status
    where value_tier in ('mid', 'high', 'top')
    group by value_tier

),

tier_milestones as (

    select
        next_orders.customer_id,
        'loyalty_milestone_value_tier' as occasion_type,
        {{ dbt.concat(["'value_tier_'", 'tier_thresholds.value_tier']) }} as occasion_name,
        {{ dbt.concat(["'Reaches value tier '", 'tier_thresholds.value_tier']) }} as occasion_label,
        next_orders.expected_next_order_date as occasion_date
    from next_orders
    inner join tier_thresholds
        on
            tier_thresholds.value_tier = case next_orders.value_tier
                when 'low' then 'mid'
                when 'mid' then 'high'
                when 'high' then 'top'
            end
    -- within reach: one order of the customer's average value closes the gap
    where tier_thresholds.threshold - next_orders.monetary <= next_orders.avg_order_value

),

upcoming_calendar as (

    -- The shopping occasions of each country in the horizon, read once: they
    -- bound the windows read below (all 7.8M windows joined to 9.4M orders cost
    -- most of this model's time at 1M customers, for ~36k holiday rows) and are
    -- the holidays offered.
    select
        calendar.country_code,
        calendar.occasion_name,
        calendar.occasion_label,
        calendar.occasion_date
    from {{ ref('occasion_calendar') }} as calendar
    cross join {{ ref('int_as_of_date') }} as as_of
    where
        calendar.occasion_date > as_of.as_of_date
        and calendar.occasion_date <= cast({{ dbt.dateadd('day', horizon, 'as_of.as_of_date') }} as date)

),

shopped_occasions as (

    -- Occasions each customer has bought for before, of those in the horizon: a
    -- qualifying order before as_of_date in the window of one of its occurrences
    -- (the holidays CTE keeps only earlier occurrences than the upcoming one;
    -- `distinct` also folds an occasion that comes twice in the horizon).
    select distinct
        windows.customer_id,
        windows.occasion_country_code,
        windows.occasion_name,
        windows.occasion_date
    from {{ ref('int_order_occasion_windows') }} as windows
    inner join upcoming_calendar
        on
            windows.occasion_country_code = upcoming_calendar.country_code
            and windows.occasion_name = upcoming_calendar.occasion_name
    inner join order_history
        on windows.order_id = order_history.order_id

),

holidays as (

    -- a join, not a correlated EXISTS: Spark rejects correlated non-equality predicates
    select distinct
        customers.customer_id,
        'holiday' as occasion_type,
        calendar.occasion_name,
        calendar.occasion_label,
        calendar.occasion_date
    from customers
    inner join upcoming_calendar as calendar
        on customers.country_code = calendar.country_code
    inner join shopped_occasions
        on
            customers.customer_id = shopped_occasions.customer_id
            and calendar.country_code = shopped_occasions.occasion_country_code
            and calendar.occasion_name = shopped_occasions.occasion_name
            and calendar.occasion_date > shopped_occasions.occasion_date

),

occasions as (

    select * from birthdays
    union all
    select * from anniversaries
    union all
    select * from order_milestones
    union all
    select * from tier_milestones
    union all
    select * from holidays

)

select
    occasions.customer_id,
    customers.as_of_date,
    cast(occasions.occasion_type as {{ dbt.type_string() }}) as occasion_type,
    cast(occasions.occasion_name as {{ dbt.type_string() }}) as occasion_name,
    cast(occasions.occasion_label as {{ dbt.type_string() }}) as occasion_label,
    cast(occasions.occasion_date as date) as occasion_date,
    cast(
        {{ dbt.datediff('customers.as_of_date', 'occasions.occasion_date', 'day') }}
        as integer
    ) as days_until,
    customers.country_code,
    customers.is_contactable
from occasions
inner join customers
    on occasions.customer_id = customers.customer_id
where
    occasions.occasion_date > customers.as_of_date
    and occasions.occasion_date <= cast({{ dbt.dateadd('day', horizon, 'customers.as_of_date') }} as date)
