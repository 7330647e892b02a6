{#-
    Safe casts from raw text: NULL when the text does not parse, never an error.
    dbt.safe_cast is a plain CAST on DuckDB and PostgreSQL (bad text still
    errors), so each engine gets its own small implementation here.
    Numbers and booleans are validated with the contract's exact grammar first
    (DuckDB's try_cast would accept `1e3` or ` 12 `, which the contract does not).
-#}

{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'customer_segmentation')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_full_match(expression, pattern) -%}
    ({{ expression }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}


{% macro safe_cast_int(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, '[+-]?[0-9]{1,18}') }}
            then cast({{ expression }} as bigint)
    end
{%- endmacro %}

{% macro safe_cast_decimal(expression, precision=18, scale=4) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, '[+-]?([0-9]{1,13}([.][0-9]*)?|[.][0-9]+)') }}
            then cast({{ expression }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}

{% macro safe_cast_bool(expression) -%}
    case
        when lower({{ expression }}) in ('true', '1', 'yes', 't', 'y') then true
        when lower({{ expression }}) in ('false', '0', 'no', 'f', 'n') then false
    end
{%- endmacro %}


{% macro safe_cast_date(expression) -%}
    {{ return(adapter.dispatch('safe_cast_date', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro default__safe_cast_date(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then try_cast({{ expression }} as date)
    end
{%- endmacro %}

{% macro postgres__safe_cast_date(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ customer_segmentation.safe_cast_function_schema() }}.try_cast_date({{ expression }})
    end
{%- endmacro %}

{% macro spark__safe_cast_date(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then to_date({{ expression }}, 'yyyy-MM-dd')
    end
{%- endmacro %}


{#- ISO-8601 timestamp, optional UTC offset (none = UTC), returned as a UTC timestamp. -#}
{% macro safe_cast_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('safe_cast_timestamp_utc', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro iso_timestamp_pattern() -%}
    [0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?
{%- endmacro %}

{% macro default__safe_cast_timestamp_utc(expression) -%}
    {#- The session time zone is UTC (profile), so timestamptz -> timestamp is UTC.
        A plain cast to timestamp would silently drop the offset. -#}
    case
        when {{ customer_segmentation.regex_full_match(expression, customer_segmentation.iso_timestamp_pattern()) }}
            then cast(try_cast({{ expression }} as timestamptz) as timestamp)
    end
{%- endmacro %}

{% macro postgres__safe_cast_timestamp_utc(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, customer_segmentation.iso_timestamp_pattern()) }}
            then {{ customer_segmentation.safe_cast_function_schema() }}.try_cast_timestamp_utc({{ expression }})
    end
{%- endmacro %}

{% macro spark__safe_cast_timestamp_utc(expression) -%}
    case
        when {{ customer_segmentation.regex_full_match(expression, customer_segmentation.iso_timestamp_pattern()) }}
            then to_utc_timestamp(cast({{ expression }} as timestamp), 'UTC')
    end
{%- endmacro %}


{#- PostgreSQL has no try_cast: plpgsql functions that catch the cast error,
    created once per run by the on-run-start hook. -#}
{% macro safe_cast_function_schema() -%}
    {{ target.schema }}
{%- endmacro %}

{% macro create_safe_cast_functions() -%}
    {{ return(adapter.dispatch('create_safe_cast_functions', 'customer_segmentation')()) }}
{%- endmacro %}

{% macro default__create_safe_cast_functions() -%}
    select 1 as nothing_to_create
{%- endmacro %}

{% macro postgres__create_safe_cast_functions() -%}
    create schema if not exists {{ customer_segmentation.safe_cast_function_schema() }};
    create or replace function {{ customer_segmentation.safe_cast_function_schema() }}.try_cast_date(value text)
    returns date language plpgsql immutable as $$
    begin
        return value::date;
    exception when others then
        return null;
    end $$;
    create or replace function {{ customer_segmentation.safe_cast_function_schema() }}.try_cast_timestamp_utc(value text)
    returns timestamp language plpgsql stable set timezone to 'UTC' as $$
    begin
        -- timestamptz honours an offset; a value without one is read in the
        -- function's zone, set to UTC above, so "no offset" means UTC (contract).
        return (value::timestamptz at time zone 'UTC');
    exception when others then
        return null;
    end $$;
{%- endmacro %}
