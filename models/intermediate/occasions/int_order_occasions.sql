-- One row per clean order: the occasion attributes of fct_orders (doc blocks in
-- _occasions__docs.md). Not cut at as_of_date: fct_orders and the customer
-- models filter.
-- Incremental (doc block `incremental_order_occasions`): a build recomputes the
-- orders int_order_local_times or int_orders refreshed since the last one (a
-- customers load refreshes all of the customer's orders in the first, changed
-- lines in the second), and every order of a customer whose first qualifying
-- purchase moved (the anniversary anchor of all of them) or is gone from the
-- stored rows (the pre-hook deleted it).
{{
    config(
        materialized=incremental_materialization(),
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_order_facts('order_id', ref('int_order_local_times'), [], order_occasion_seeds(),
                                     one_row_per_upstream_key=true) }}",
    )
}}

with

orders as (

    select
        order_id,
        is_gift,
        has_promo_code,
        is_qualifying
    from {{ ref('int_orders') }}

),

{% if is_incremental() -%}
stored as (

    select max(_refreshed_at) as refreshed_through
    from {{ this }}

),

refreshed_orders as (

    select
        int_order_local_times.order_id,
        int_order_local_times.customer_id
    from {{ ref('int_order_local_times') }} as int_order_local_times
    cross join stored
    where
        stored.refreshed_through is null
        or int_order_local_times._refreshed_at > stored.refreshed_through
    union
    -- int_orders refreshes an order whose lines changed (is_qualifying, the
    -- anniversary anchor) without refreshing its local time
    select
        int_orders.order_id,
        int_orders.customer_id
    from {{ ref('int_orders') }} as int_orders
    cross join stored
    where int_orders._refreshed_at > stored.refreshed_through

),

stored_first_purchase_days as (

    -- the stored orders on each customer's stored first purchase day, and whether
    -- one of them still qualifies
    select
        stored_rows.customer_id,
        max(case when orders.is_qualifying then 1 else 0 end) as has_qualifying_order
    from {{ this }} as stored_rows
    left join orders
        on stored_rows.order_id = orders.order_id
    where stored_rows.order_date_local = stored_rows.first_order_date_local
    group by stored_rows.customer_id

),

lost_first_purchases as (

    -- customers whose stored first qualifying purchase is gone: the pre-hook
    -- deleted it (a replacing load without it), and no qualifying order is left on
    -- that day. No other order of theirs need have been refreshed.
    select stored_rows.customer_id
    from {{ this }} as stored_rows
    left join stored_first_purchase_days
        on stored_rows.customer_id = stored_first_purchase_days.customer_id
    where
        stored_rows.first_order_date_local is not null
        and coalesce(stored_first_purchase_days.has_qualifying_order, 0) = 0
    group by stored_rows.customer_id

),

rechecked_customers as (

    select refreshed_orders.customer_id
    from refreshed_orders
    union
    select lost_first_purchases.customer_id
    from lost_first_purchases

),

{% endif -%}

first_purchases as (

    -- Local date of each customer's first qualifying order (any date: an order
    -- after as_of_date can never be earlier than one before it); on an
    -- incremental build, of the rechecked customers, over all their orders.
    select
        all_local_times.customer_id,
        min(all_local_times.order_date_local) as first_order_date_local
    from {{ ref('int_order_local_times') }} as all_local_times
    inner join orders
        on all_local_times.order_id = orders.order_id
    where orders.is_qualifying
    {%- if is_incremental() %}
        and all_local_times.customer_id in (select rechecked_customers.customer_id from rechecked_customers)
    {%- endif %}
    group by all_local_times.customer_id

),

{% if is_incremental() -%}
stored_first_purchases as (

    select
        customer_id,
        max(first_order_date_local) as first_order_date_local
    from {{ this }}
    where customer_id in (select rechecked_customers.customer_id from rechecked_customers)
    group by customer_id

),

moved_first_purchases as (

    -- rechecked customers whose first qualifying purchase is not the stored one (a
    -- new or late order before it, it stopped qualifying, or it is gone)
    select first_purchases.customer_id
    from first_purchases
    left join stored_first_purchases
        on first_purchases.customer_id = stored_first_purchases.customer_id
    where
        stored_first_purchases.first_order_date_local is null
        or first_purchases.first_order_date_local != stored_first_purchases.first_order_date_local
    union
    select stored_first_purchases.customer_id
    from stored_first_purchases
    left join first_purchases
        on stored_first_purchases.customer_id = first_purchases.customer_id
    where
        stored_first_purchases.first_order_date_local is not null
        and first_purchases.customer_id is null

),

{% endif -%}

local_times as (

    select int_order_local_times.*
    from {{ ref('int_order_local_times') }} as int_order_local_times
    {%- if is_incremental() %}
    -- One IN over one key set, not two lookups OR-ed: PostgreSQL joins on it
    -- before the joins below (as an OR of LEFT JOINs it filtered only after them:
    -- 71 s at 100,000 customers with nothing to recompute).
    where int_order_local_times.order_id in (
        select refreshed_orders.order_id
        from refreshed_orders
        union
        select of_moved_customers.order_id
        from {{ ref('int_order_local_times') }} as of_moved_customers
        inner join moved_first_purchases
            on of_moved_customers.customer_id = moved_first_purchases.customer_id
    )
    {%- endif %}

),

attributed_windows as (

    select
        order_id,
        occasion_name,
        occasion_type,
        occasion_date,
        is_shopping_holiday
    from {{ ref('int_order_occasion_windows') }}
    where window_rank = 1

),

customers as (

    select
        customer_id,
        birth_date
    from {{ ref('stg_raw__customers') }}

),

flagged as (

    select
        local_times.order_id,
        local_times.customer_id,
        local_times.occasion_country_code,
        local_times.has_occasion_calendar,
        local_times.ordered_at_local,
        local_times.order_date_local,
        first_purchases.first_order_date_local,
        attributed_windows.occasion_name,
        attributed_windows.occasion_type,
        attributed_windows.occasion_date,
        attributed_windows.order_id is not null as is_occasion_window,
        coalesce(attributed_windows.is_shopping_holiday, false) as is_holiday_window,
        {{ is_near_yearly_recurrence('local_times.order_date_local', 'customers.birth_date',
                                     validated_int_var('birthday_window_days')) }} as is_birthday_window,
        {{ is_near_yearly_recurrence('local_times.order_date_local', 'first_purchases.first_order_date_local',
                                     validated_int_var('anniversary_window_days')) }}
            as is_first_purchase_anniversary_window,
        orders.is_gift,
        orders.has_promo_code as is_promotion,
        local_times.is_weekend,
        local_times.daypart,
        local_times.season
    from local_times
    inner join orders
        on local_times.order_id = orders.order_id
    left join attributed_windows
        on local_times.order_id = attributed_windows.order_id
    left join customers
        on local_times.customer_id = customers.customer_id
    left join first_purchases
        on local_times.customer_id = first_purchases.customer_id

)

select
    -- ids
    order_id,
    customer_id,

    -- where and when, locally
    occasion_country_code,
    has_occasion_calendar,
    ordered_at_local,
    order_date_local,

    -- occasion-calendar window (NULL outside every window)
    occasion_name,
    occasion_type,
    occasion_date,
    is_occasion_window,
    is_holiday_window,

    -- personal occasions
    first_order_date_local,
    is_birthday_window,
    is_first_purchase_anniversary_window,

    -- order flags
    is_gift,
    is_promotion,
    is_weekend,
    daypart,
    season,

    -- one occasion per order (doc block primary_occasion)
    case
        when is_birthday_window then 'birthday'
        when is_holiday_window then 'holiday'
        when is_first_purchase_anniversary_window then 'first_purchase_anniversary'
        when is_gift then 'gift'
        when is_promotion then 'promotion'
        when occasion_name is not null then 'calendar_occasion'
        when is_weekend then 'weekend'
        else 'routine'
    end as primary_occasion,

    -- incremental bookkeeping
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings(order_occasion_seeds()) }} as _build_settings
from flagged
