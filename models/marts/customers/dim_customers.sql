-- One row per customer known at as_of_date: pseudonymous attributes (no name,
-- e-mail, phone, postal code or birth date), bands, and lifetime behaviour.
with

status as (

    select * from {{ ref('int_customer_status__current') }}

),

profiles as (

    select * from {{ ref('stg_raw__customers') }}

),

countries as (

    select * from {{ ref('countries') }}

),

behaviour as (

    select * from {{ ref('int_customer_behaviour') }}

),

spend_mix as (

    select * from {{ ref('int_customer_spend_mix') }}

),

attitudes as (

    select * from {{ ref('int_customer_attitudes') }}

),

ages as (

    select
        profiles.customer_id,
        {{ age_in_years('profiles.birth_date', 'status.as_of_date') }} as age
    from profiles
    inner join status
        on profiles.customer_id = status.customer_id

)

select
    -- ids
    status.customer_id,
    status.as_of_date,
    profiles.customer_id is not null as has_profile,
    -- keyed hash of the e-mail, for matching in campaign tools (never the e-mail)
    {{ keyed_hash('lower(trim(profiles.email))') }} as email_hash,

    -- demographics
    ages.age,
    {{ age_band('ages.age') }} as age_band,
    coalesce(profiles.gender, 'unknown') as gender,

    -- geography
    coalesce(profiles.country_code, 'unknown') as country_code,
    coalesce(countries.continent, 'unknown') as continent,
    coalesce(countries.region, 'unknown') as world_region,
    coalesce(countries.hemisphere, 'unknown') as hemisphere,

    -- marketing
    coalesce(profiles.acquisition_channel, 'unknown') as acquisition_channel,
    coalesce(profiles.is_marketing_opt_in, false) as is_marketing_opt_in,
    cast(profiles.signup_at as date) as signup_date,

    -- firmographics
    coalesce(profiles.customer_type, 'consumer') as customer_type,
    case
        when profiles.customer_type = 'business' then coalesce(profiles.industry, 'unknown')
        else 'not_applicable'
    end as industry,
    {{ employee_count_band('profiles.employee_count', 'profiles.customer_type') }}
        as employee_count_band,
    {{ revenue_band('profiles.annual_revenue', 'profiles.customer_type') }} as revenue_band,

    -- attitudes
    attitudes.nps_score,
    {{ nps_group('attitudes.nps_score') }} as nps_group,
    {%- for question in validated_name_list_var('attitude_questions') %}
        attitudes.attitude_{{ question }},
    {%- endfor %}

    -- behaviour (lifetime to as_of_date)
    coalesce(behaviour.order_count, 0) as order_count,
    status.frequency as qualifying_order_count,
    status.monetary as net_revenue,
    behaviour.avg_order_value,
    behaviour.avg_items_per_order,
    status.first_order_date,
    status.last_order_date,
    {{ days_between('behaviour.first_order_date', 'status.as_of_date') }} as tenure_days,
    behaviour.mean_days_between_orders,
    behaviour.median_days_between_orders,
    behaviour.return_rate,
    behaviour.promo_order_share,
    behaviour.gift_order_share,
    {%- for channel in validated_name_list_var('feature_channels') %}
        behaviour.channel_{{ channel }}_share,
    {%- endfor %}
    {%- for category in validated_name_list_var('feature_categories') %}
        spend_mix.category_share_{{ category }},
    {%- endfor %}
    {%- for tag in validated_name_list_var('feature_tags') %}
        spend_mix.tag_share_{{ tag }},
    {%- endfor %}
    spend_mix.top_category,
    spend_mix.top_category_share

from status
left join profiles
    on status.customer_id = profiles.customer_id
left join countries
    on profiles.country_code = countries.country_code
left join ages
    on status.customer_id = ages.customer_id
left join behaviour
    on status.customer_id = behaviour.customer_id
left join spend_mix
    on status.customer_id = spend_mix.customer_id
left join attitudes
    on status.customer_id = attitudes.customer_id
