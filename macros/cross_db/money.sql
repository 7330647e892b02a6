{#- numerator / denominator as decimal(18, 2), rounded half away from zero on the
    exact quotient; NULL when the denominator is 0. PostgreSQL and Spark divide
    decimals exactly, but DuckDB divides them as doubles, so 128.73 / 2 = 64.365
    is 64.3649999... there and rounds to 64.36 instead of 64.37: DuckDB gets an
    integer computation in 1e-4 units instead. -#}
{% macro divide_to_cents(numerator, denominator) -%}
    {{ return(adapter.dispatch('divide_to_cents', 'customer_segmentation')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__divide_to_cents(numerator, denominator) -%}
    cast(round(cast({{ numerator }} as decimal(38, 10)) / nullif({{ denominator }}, 0), 2) as decimal(18, 2))
{%- endmacro %}

{% macro duckdb__divide_to_cents(numerator, denominator) -%}
    case
        when {{ denominator }} != 0 then
            cast(
                cast(
                    sign({{ numerator }})
                    * (
                        (2 * abs(cast(cast({{ numerator }} as decimal(38, 4)) * 10000 as hugeint))
                            + 100 * abs(cast({{ denominator }} as hugeint)))
                        // (200 * abs(cast({{ denominator }} as hugeint)))
                    )
                    * sign({{ denominator }})
                    as decimal(20, 0)
                ) * cast(0.01 as decimal(3, 2))
                as decimal(18, 2)
            )
    end
{%- endmacro %}
