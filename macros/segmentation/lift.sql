{#-
    Two-sided 95% normal-approximation (Wald) interval pieces for campaign lift.
    (doc block `campaign_lift_method`)
-#}
{% macro z_95() -%}1.959963984540054{%- endmacro %}

{#- Standard error of p1 - p2 for two independent proportions (unpooled). -#}
{% macro proportion_diff_se(p1, n1, p2, n2) -%}
    sqrt(
        {{ customer_segmentation.safe_divide(p1 ~ ' * (1 - ' ~ p1 ~ ')', n1) }}
        + {{ customer_segmentation.safe_divide(p2 ~ ' * (1 - ' ~ p2 ~ ')', n2) }}
    )
{%- endmacro %}

{#- Standard error of mean1 - mean2 (Welch, unpooled sample variances). -#}
{% macro mean_diff_se(var1, n1, var2, n2) -%}
    sqrt(
        {{ customer_segmentation.safe_divide(var1, n1) }}
        + {{ customer_segmentation.safe_divide(var2, n2) }}
    )
{%- endmacro %}

{#- Sample variance from n, sum and sum of squares; NULL with fewer than two values. -#}
{% macro sample_variance(n, total, total_squares) -%}
    case
        when {{ n }} > 1
            then greatest(
                cast(({{ total_squares }} - {{ total }} * {{ total }} / {{ n }}) as {{ customer_segmentation.type_double() }})
                / ({{ n }} - 1),
                0
            )
    end
{%- endmacro %}
