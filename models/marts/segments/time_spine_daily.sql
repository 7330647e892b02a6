-- One row per day from 2000-01-01 to 2049-12-31: the MetricFlow time spine the
-- semantic models join to. A fixed range keeps it independent of the data.
with

days as (

    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2050-01-01' as date)") }}

)

select cast(date_day as date) as date_day
from days
