{#-
    The date segments are computed for, as a scalar date expression. Always read
    from `int_as_of_date` (which applies the `as_of_date` var or the default), so
    lineage is the same whatever the vars.
-#}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('int_as_of_date') }})
{%- endmacro %}

{#- Returns the var's value after checking it is a real YYYY-MM-DD date. -#}
{% macro validated_date_var(name) -%}
    {%- set value = var(name) | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ value ~ "' is not a date: expected the form YYYY-MM-DD, e.g. 2024-06-30") }}
    {%- endif -%}
    {#- A real calendar date: 2024-02-30 matches the pattern but is no date. -#}
    {%- set year, month, day = value[0:4] | int, value[5:7] | int, value[8:10] | int -%}
    {%- set next_month = modules.datetime.date(year + month // 12, month % 12 + 1, 1) if 1 <= month <= 12 else none -%}
    {%- if next_month is none or day < 1 or day > (next_month - modules.datetime.timedelta(days=1)).day -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ value ~ "' is not a valid calendar date (expected YYYY-MM-DD)") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{% macro validated_int_var(name, minimum=0) -%}
    {%- set value = var(name) -%}
    {%- if value is not number or value != value | int or value < minimum -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ value ~ "' is invalid: expected a whole number >= " ~ minimum) }}
    {%- endif -%}
    {{- return(value | int) -}}
{%- endmacro %}

{% macro validated_share_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is not number or value < 0 or value > 1 -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ value ~ "' is invalid: expected a number between 0 and 1") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{#- Vars are spliced into SQL text (dbt has no bind parameters for models), so
    each is checked where it is used, not only by the on-run-start hook: a
    value can only be a number, a date, a code or a lower-case name. -#}
{% macro validated_currency_var(name='reporting_currency') -%}
    {%- set value = var(name) | string -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', value) -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ value ~ "' is invalid: expected an ISO 4217 code such as USD") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{#- A list of labels that become both values ('web') and column names
    (channel_web_share): lower-case letters, digits and _. -#}
{% macro validated_name_list_var(name) -%}
    {%- set values = var(name) -%}
    {%- if values is string or values is not iterable -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ values ~ "' is invalid: expected a list of lower-case names") }}
    {%- endif -%}
    {%- for value in values -%}
        {%- if value is not string or not modules.re.fullmatch('[a-z][a-z0-9_]{0,40}', value) -%}
            {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' has the invalid entry '" ~ value ~ "': expected lower-case letters, digits and _ (it becomes a column name)") }}
        {%- endif -%}
    {%- endfor -%}
    {{- return(values | list) -}}
{%- endmacro %}

{% macro validated_int_list_var(name, minimum=1) -%}
    {%- set values = var(name) -%}
    {%- if values is string or values is not iterable -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' = '" ~ values ~ "' is invalid: expected a list of whole numbers") }}
    {%- endif -%}
    {%- for value in values -%}
        {%- if value is not number or value != value | int or value < minimum -%}
            {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' has the invalid entry '" ~ value ~ "': expected whole numbers >= " ~ minimum) }}
        {%- endif -%}
    {%- endfor -%}
    {{- return(values | map('int') | list) -}}
{%- endmacro %}

{#- on-run-start: fail before any model runs when a var is invalid. -#}
{% macro validate_project_vars() -%}
    {%- if var('as_of_date', none) not in (none, '') -%}
        {%- do customer_segmentation.validated_date_var('as_of_date') -%}
    {%- endif -%}
    {%- for name in ['lifecycle_new_days', 'lifecycle_active_days', 'lifecycle_at_risk_days',
                     'lifecycle_lapsed_days', 'lifecycle_reactivation_gap_days',
                     'upcoming_horizon_days', 'birthday_window_days', 'anniversary_window_days',
                     'migration_period_days', 'attribution_window_days', 'min_segment_customers',
                     'max_line_quantity', 'incremental_lookback_days',
                     'cluster_k_min', 'cluster_k_max', 'cluster_sample_size', 'cluster_seed'] -%}
        {%- do customer_segmentation.validated_int_var(name) -%}
    {%- endfor -%}
    {%- for name in ['value_tier_top_share', 'value_tier_high_share', 'value_tier_mid_share',
                     'holdout_share', 'max_segment_share'] -%}
        {%- do customer_segmentation.validated_share_var(name) -%}
    {%- endfor -%}
    {%- if var('clustering_runner', none) not in (none, 'dbt_python', 'script') -%}
        {{ exceptions.raise_compiler_error("dbt var 'clustering_runner' = '" ~ var('clustering_runner') ~ "' is invalid: expected dbt_python, script or null (null: dbt_python on DuckDB, script elsewhere)") }}
    {%- endif -%}
    {%- if var('cluster_k', none) is not none -%}
        {%- do customer_segmentation.validated_int_var('cluster_k', minimum=2) -%}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', var('reporting_currency') | string) -%}
        {{ exceptions.raise_compiler_error("dbt var 'reporting_currency' = '" ~ var('reporting_currency') ~ "' is invalid: expected an ISO 4217 code such as USD") }}
    {%- endif -%}
    {%- do customer_segmentation.bi_role() -%}
    {%- for name in ['feature_channels', 'feature_categories', 'feature_tags', 'attitude_questions'] -%}
        {%- do customer_segmentation.validated_name_list_var(name) -%}
    {%- endfor -%}
    {%- do customer_segmentation.validated_int_list_var('loyalty_order_milestones') -%}
    select 1 as vars_validated
{%- endmacro %}
