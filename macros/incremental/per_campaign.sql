{#- The incremental campaign send segments (doc block `incremental_campaign_send_segments`):
    rows per campaign, recomputed only for the campaigns whose sends or earlier
    orders may have changed since the last build. -#}


{#- The seeds int_campaign_send_segments reads (`rfm_segment_map`), for its
    `_build_settings` and its prune pre-hook: one list for both, or no stored row
    would ever match. -#}
{% macro campaign_segment_seeds() -%}
    {{ return(['rfm_segment_map']) }}
{%- endmacro %}


{#- Pre-hook of int_campaign_send_segments: deletes the rows of campaigns no longer
    in `sends` (as_of_date moved back before their first send, a reload without
    them) and every row computed with other build settings (a changed
    rfm_segment_map recomputes every campaign). A campaign that is still sent but
    lost customers is recomputed by the model, and delete+insert on campaign_id
    removes all its stored rows first. -#}
{% macro prune_campaign_rows(sends) -%}
    {{ customer_segmentation.prune_incremental(
        [
            ('_orders_before', dbt.type_bigint()),
            ('_refreshed_at', dbt.type_timestamp()),
            ('_build_settings', dbt.type_string()),
        ],
        customer_segmentation.stored_key_not_in('campaign_id', sends),
        seeds=customer_segmentation.campaign_segment_seeds()) }}
{%- endmacro %}
