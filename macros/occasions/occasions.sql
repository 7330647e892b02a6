{#-
    Occasion building blocks, shared by the occasion models (rules in
    models/intermediate/occasions/_occasions__docs.md). Engine differences are
    isolated in small adapter.dispatch macros; everything else is plain SQL that
    runs on DuckDB, PostgreSQL and Spark.
-#}

{#- UTC timestamp (timestamp without time zone, UTC wall clock) -> wall clock in
    the IANA zone `tz` (a column or a quoted literal). -#}
{% macro local_timestamp(utc_timestamp, tz) -%}
    {{ return(adapter.dispatch('local_timestamp', 'customer_segmentation')(utc_timestamp, tz)) }}
{%- endmacro %}

{% macro default__local_timestamp(utc_timestamp, tz) -%}
    {#- Inner timezone(): reads the value as a UTC wall clock (-> timestamptz);
        outer: that instant's wall clock in `tz`. Neither depends on the session
        TimeZone, unlike a cast to timestamptz (the profile's TimeZone setting is
        not applied to every connection). Needs ICU (bundled with DuckDB). -#}
    timezone({{ tz }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro postgres__local_timestamp(utc_timestamp, tz) -%}
    (({{ utc_timestamp }} at time zone 'UTC') at time zone {{ tz }})
{%- endmacro %}

{% macro spark__local_timestamp(utc_timestamp, tz) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ tz }})
{%- endmacro %}


{#- ISO day of week of a date: 1 = Monday .. 7 = Sunday. Spark's dayofweek()
    and extract(dow) both start the week on Sunday, with different bases. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'customer_segmentation')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expression) -%}
    (weekday({{ date_expression }}) + 1)
{%- endmacro %}


{#- Whole-number date part (PostgreSQL's extract returns numeric). -#}
{% macro date_part_int(part, expression) -%}
    cast(extract({{ part }} from {{ expression }}) as integer)
{%- endmacro %}


{#- Gregorian leap-year test on an integer year expression. -#}
{% macro is_leap_year(year_expression) -%}
    (
        ({{ year_expression }}) % 4 = 0
        and (({{ year_expression }}) % 100 != 0 or ({{ year_expression }}) % 400 = 0)
    )
{%- endmacro %}


{#- The yearly recurrence of `date_expression` (a birthday, a first-purchase date)
    in the year `year_expression`. A 29 February date recurs on 28 February in
    common years (it stays in February, as birthday e-mails do). -#}
{% macro recurrence_in_year(date_expression, year_expression) -%}
    make_date(
        cast({{ year_expression }} as integer),
        {{ customer_segmentation.date_part_int('month', date_expression) }},
        case
            when {{ customer_segmentation.date_part_int('month', date_expression) }} = 2
                and {{ customer_segmentation.date_part_int('day', date_expression) }} = 29
                and not {{ customer_segmentation.is_leap_year(year_expression) }}
                then 28
            else {{ customer_segmentation.date_part_int('day', date_expression) }}
        end
    )
{%- endmacro %}


{#- True when `on_date` is within `days` days (either side) of a yearly
    recurrence of `event_date` in a year after the event's own year (a birthday,
    not the birth; an anniversary, not the first purchase). The recurrences in
    the year before, of and after `on_date` cover every window up to 182 days.
    NULL event date -> false. -#}
{% macro is_near_yearly_recurrence(on_date, event_date, days) -%}
    coalesce(
        {%- for offset in [-1, 0, 1] %}
        (
            {{ customer_segmentation.date_part_int('year', on_date) }} + ({{ offset }})
                > {{ customer_segmentation.date_part_int('year', event_date) }}
            and abs({{ dbt.datediff(
                customer_segmentation.recurrence_in_year(
                    event_date,
                    customer_segmentation.date_part_int('year', on_date) ~ ' + (' ~ offset ~ ')'),
                on_date, 'day') }}) <= {{ days }}
        ){% if not loop.last %} or{% endif %}
        {%- endfor %},
        false
    )
{%- endmacro %}


{#- Local hour -> daypart: night 0-5, morning 6-11, afternoon 12-17, evening 18-23. -#}
{% macro daypart(hour_expression) -%}
    case
        when {{ hour_expression }} < 6 then 'night'
        when {{ hour_expression }} < 12 then 'morning'
        when {{ hour_expression }} < 18 then 'afternoon'
        else 'evening'
    end
{%- endmacro %}


{#- Meteorological season from the month and the hemisphere: northern Dec-Feb
    winter, Mar-May spring, Jun-Aug summer, Sep-Nov autumn; the southern
    hemisphere is six months apart (Dec-Feb summer). `unknown` without a
    hemisphere. -#}
{% macro meteorological_season(month_expression, hemisphere_expression) -%}
    case
        when {{ hemisphere_expression }} = 'northern' then
            case
                when {{ month_expression }} in (12, 1, 2) then 'winter'
                when {{ month_expression }} in (3, 4, 5) then 'spring'
                when {{ month_expression }} in (6, 7, 8) then 'summer'
                else 'autumn'
            end
        when {{ hemisphere_expression }} = 'southern' then
            case
                when {{ month_expression }} in (12, 1, 2) then 'summer'
                when {{ month_expression }} in (3, 4, 5) then 'autumn'
                when {{ month_expression }} in (6, 7, 8) then 'winter'
                else 'spring'
            end
        else 'unknown'
    end
{%- endmacro %}


{#- Shopping holidays: occasions people shop for by habit (gifting: Christmas,
    Valentine's, Mother's and Father's Day; commercial: Black Friday, Cyber
    Monday, Singles' Day). Other calendar windows (public holidays, religious,
    celebratory and seasonal occasions) cover about a third of every year in
    every calendar country, so an order in one says little about the customer. -#}
{% macro is_shopping_holiday(occasion_type) -%}
    ({{ occasion_type }} in ('gifting', 'commercial'))
{%- endmacro %}


{#- Tie-break between calendar windows that start the same distance from the
    order: gifting first (people buy presents for it), then commercial sales
    days, religious, celebratory, seasonal, and other public holidays last. -#}
{% macro occasion_type_priority(occasion_type) -%}
    case {{ occasion_type }}
        when 'gifting' then 1
        when 'commercial' then 2
        when 'religious' then 3
        when 'celebratory' then 4
        when 'seasonal' then 5
        else 6
    end
{%- endmacro %}


{#- Longest shopping window the window expansion supports (days before the
    occasion); int_occasion_windows tests the seed against it. -#}
{% macro max_occasion_window_days() -%}
    {{ return(62) }}
{%- endmacro %}


{#- Loyalty milestones: the next qualifying order would be one of these counts. -#}
{% macro loyalty_order_milestones() -%}
    {{ return(validated_int_list_var('loyalty_order_milestones')) }}
{%- endmacro %}


{#- {{ doc('occasion_persona') }}: first matching rule wins; reads the share
    columns of int_customer_occasion_shares. -#}
{% macro occasion_persona() -%}
    case
        when qualifying_order_count = 0 then 'no_purchases'
        when birthday_order_share >= 0.3 then 'birthday_treater'
        when gift_order_share >= 0.6 and gift_order_share >= holiday_order_share then 'gifter'
        when holiday_order_share >= 0.6 then 'holiday_shopper'
        when promotion_order_share >= 0.5 then 'deal_seeker'
        when weekend_order_share >= 0.6 then 'weekend_browser'
        else 'routine_buyer'
    end
{%- endmacro %}
