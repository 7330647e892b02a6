-- Every raw customers row, typed, with the reason it cannot be used (NULL = clean).
-- Reason precedence: missing_key > unparseable_* > future_timestamp > duplicate_key.
-- Incremental (doc block `incremental_base_models`): new loads, plus stored rows the
-- clock can clear, plus the other rows of their keys (a later row can win the key).
{{
    config(
        materialized=incremental_materialization(),
        unique_key=['_load_id', '_source_row'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ prune_base_rows('customers') }}",
    )
}}

with

{{ base_source_rows('customers', 'customer_id', ['future_timestamp']) }},

typed as (

    select
        -- ids
        {{ clean_text('customer_id') }} as customer_id,

        -- personal data (PII: never selected past staging)
        {{ clean_text('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('postal_code') }} as postal_code,
        {{ safe_cast_date(clean_text('birth_date')) }} as birth_date,

        -- attributes
        {{ normalise_label('gender') }} as gender_label,
        {{ clean_text('country') }} as country,
        {{ clean_text('region') }} as region,
        {{ clean_text('city') }} as city,
        {{ normalise_label('acquisition_channel') }} as acquisition_channel,
        {{ safe_cast_bool(clean_text('marketing_opt_in')) }} as marketing_opt_in,
        {{ normalise_label('customer_type') }} as customer_type_label,

        -- firmographics
        {{ clean_text('company_name') }} as company_name,
        {{ normalise_label('industry') }} as industry,
        {{ safe_cast_int(clean_text('employee_count')) }} as employee_count,
        {{ safe_cast_decimal(clean_text('annual_revenue')) }} as annual_revenue,

        -- timestamps
        {{ safe_cast_timestamp_utc(clean_text('signup_at')) }} as signup_at,
        {{ safe_cast_timestamp_utc(clean_text('updated_at')) }} as updated_at,

        -- the original text (for the checks below) and lineage
        {{ keep_source_columns('customers') }}

    from source

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_key'
            when {{ failed_to_parse('src_birth_date', 'birth_date') }} then 'unparseable_date'
            when
                {{ failed_to_parse('src_signup_at', 'signup_at') }}
                or {{ failed_to_parse('src_updated_at', 'updated_at') }}
                then 'unparseable_timestamp'
            when
                {{ failed_to_parse('src_employee_count', 'employee_count') }}
                or {{ failed_to_parse('src_annual_revenue', 'annual_revenue') }}
                then 'unparseable_number'
            when {{ failed_to_parse('src_marketing_opt_in', 'marketing_opt_in') }}
                then 'unparseable_bool'
            when
                signup_at > {{ build_started_at() }}
                or updated_at > {{ build_started_at() }}
                or birth_date > cast({{ build_started_at() }} as date)
                then 'future_timestamp'
        end as row_issue
    from typed

),

ranked as (

    -- Duplicated keys keep the latest updated_at, else the first seen row.
    select
        *,
        row_number() over (
            partition by customer_id, row_issue
            order by
                case when updated_at is null then 1 else 0 end,
                updated_at desc,
                _loaded_at asc,
                _source_row asc
        ) as key_rank
    from checked

)

-- Typed columns, then lineage and the verdict (macro base_lineage_and_verdict).
select
    customer_id,
    email,
    first_name,
    last_name,
    phone,
    postal_code,
    birth_date,
    gender_label,
    country,
    region,
    city,
    acquisition_channel,
    marketing_opt_in,
    customer_type_label,
    company_name,
    industry,
    employee_count,
    annual_revenue,
    signup_at,
    updated_at,
    {{ base_lineage_and_verdict() }},
    {{ build_run_timestamp() }} as _refreshed_at,
    {{ incremental_build_settings() }} as _build_settings
from ranked
