-- Each clean rate with the day the next rate for its currency starts, so an order
-- finds "the latest rate on or before its date" with one range join.
with

fx_rates as (

    select * from {{ ref('stg_raw__fx_rates') }}

)

select
    currency,
    rate_date as valid_from,
    rate_to_reporting,
    coalesce(
        lead(rate_date) over (partition by currency order by rate_date),
        cast('9999-12-31' as date)
    ) as valid_to
from fx_rates
