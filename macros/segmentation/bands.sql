{#- Whole years between birth_date and at_date. A 29 February birthday counts
    as reached on 1 March in common years (month*100+day comparison). -#}
{% macro age_in_years(birth_date, at_date) -%}
    case
        when {{ birth_date }} is not null and {{ birth_date }} <= {{ at_date }} then
            cast(
                extract(year from {{ at_date }}) - extract(year from {{ birth_date }})
                - case
                    when extract(month from {{ at_date }}) * 100 + extract(day from {{ at_date }})
                        < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                        then 1
                    else 0
                end
                as integer
            )
    end
{%- endmacro %}

{% macro age_band(age) -%}
    case
        when {{ age }} is null then 'unknown'
        when {{ age }} < 18 then 'under_18'
        when {{ age }} < 25 then '18_24'
        when {{ age }} < 35 then '25_34'
        when {{ age }} < 45 then '35_44'
        when {{ age }} < 55 then '45_54'
        when {{ age }} < 65 then '55_64'
        else '65_plus'
    end
{%- endmacro %}

{% macro employee_count_band(employee_count, customer_type) -%}
    case
        when {{ customer_type }} is null or {{ customer_type }} != 'business' then 'not_applicable'
        when {{ employee_count }} is null then 'unknown'
        when {{ employee_count }} < 10 then '1_9'
        when {{ employee_count }} < 50 then '10_49'
        when {{ employee_count }} < 250 then '50_249'
        when {{ employee_count }} < 1000 then '250_999'
        else '1000_plus'
    end
{%- endmacro %}

{% macro revenue_band(annual_revenue, customer_type) -%}
    case
        when {{ customer_type }} is null or {{ customer_type }} != 'business' then 'not_applicable'
        when {{ annual_revenue }} is null then 'unknown'
        when {{ annual_revenue }} < 1000000 then 'under_1m'
        when {{ annual_revenue }} < 10000000 then '1m_10m'
        when {{ annual_revenue }} < 100000000 then '10m_100m'
        else '100m_plus'
    end
{%- endmacro %}

{#- Net Promoter groups on the 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor. -#}
{% macro nps_group(score) -%}
    case
        when {{ score }} is null then 'no_response'
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        else 'detractor'
    end
{%- endmacro %}
