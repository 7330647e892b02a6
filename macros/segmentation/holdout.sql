{#-
    Deterministic holdout (control-group) assignment for a campaign.

    bucket = first 32 bits of md5(customer_id || '|' || campaign_id) / 2^32, a
    number in [0, 1) that depends on nothing but the two ids: the same customer
    and campaign get the same group on every build, every as_of_date and every
    engine, and the group is independent of any segment. The '|' separator keeps
    ('C1', '23') and ('C12', '3') apart. A customer is held out when
    bucket < var('holdout_share').
-#}
{% macro holdout_bucket(customer_id, campaign_id) -%}
    cast({{ customer_segmentation.hex8_to_bigint(
        dbt.hash(dbt.concat([customer_id, "'|'", campaign_id]))) }} as {{ customer_segmentation.type_double() }})
    / 4294967296.0
{%- endmacro %}

{% macro is_holdout(customer_id, campaign_id) -%}
    ({{ customer_segmentation.holdout_bucket(customer_id, campaign_id) }}
        < {{ customer_segmentation.validated_share_var('holdout_share') }})
{%- endmacro %}


{#- The first 8 hex digits of a hex string as a non-negative bigint (0 .. 2^32-1).
    dbt.hash returns md5 as hex text on every engine, but hex -> integer differs. -#}
{% macro hex8_to_bigint(hex_expression) -%}
    {{ return(adapter.dispatch('hex8_to_bigint', 'customer_segmentation')(hex_expression)) }}
{%- endmacro %}

{% macro default__hex8_to_bigint(hex_expression) -%}
    {#- DuckDB reads a '0x' prefixed string as a hexadecimal integer. -#}
    cast({{ dbt.concat(["'0x'", "substr(" ~ hex_expression ~ ", 1, 8)"]) }} as bigint)
{%- endmacro %}

{% macro postgres__hex8_to_bigint(hex_expression) -%}
    {#- bit(64) -> bigint; left-padding to 16 digits keeps the value unsigned. -#}
    cast(cast({{ dbt.concat(["'x'", "lpad(substr(" ~ hex_expression ~ ", 1, 8), 16, '0')"]) }} as bit(64)) as bigint)
{%- endmacro %}

{% macro spark__hex8_to_bigint(hex_expression) -%}
    cast(conv(substr({{ hex_expression }}, 1, 8), 16, 10) as bigint)
{%- endmacro %}
