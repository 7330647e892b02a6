-- The same as int_customer_status__current, computed at as_of_date minus the
-- `migration_period_days` var, in the same build: segment migration compares the two.
{{ customer_status_at(dbt.dateadd('day', -1 * validated_int_var('migration_period_days'), as_of_date())) }}
