-- One row per customer known at as_of_date: shares of qualifying orders and
-- revenue per occasion, typical buying occasions and the occasion persona
-- (doc blocks in models/intermediate/occasions/_occasions__docs.md).
with

shares as (

    select * from {{ ref('int_customer_occasion_shares') }}

)

select
    customer_id,
    cast({{ as_of_date() }} as date) as as_of_date,
    cast(qualifying_order_count as bigint) as qualifying_order_count,
    cast(qualifying_revenue as decimal(18, 2)) as qualifying_revenue,
    cast(holiday_order_share as {{ type_double() }}) as holiday_order_share,
    cast(holiday_revenue_share as {{ type_double() }}) as holiday_revenue_share,
    cast(birthday_order_share as {{ type_double() }}) as birthday_order_share,
    cast(birthday_revenue_share as {{ type_double() }}) as birthday_revenue_share,
    cast(anniversary_order_share as {{ type_double() }}) as anniversary_order_share,
    cast(anniversary_revenue_share as {{ type_double() }}) as anniversary_revenue_share,
    cast(gift_order_share as {{ type_double() }}) as gift_order_share,
    cast(gift_revenue_share as {{ type_double() }}) as gift_revenue_share,
    cast(promotion_order_share as {{ type_double() }}) as promotion_order_share,
    cast(promotion_revenue_share as {{ type_double() }}) as promotion_revenue_share,
    cast(weekend_order_share as {{ type_double() }}) as weekend_order_share,
    cast(weekend_revenue_share as {{ type_double() }}) as weekend_revenue_share,
    top_occasion_name,
    top_daypart,
    top_primary_occasion,
    occasion_persona
from shares
