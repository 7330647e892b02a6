{#- The clustering feature columns, in the order the Python package reads them
    (customer_segmentation.clustering.features.select_feature_columns): the fixed
    features, one share per channel in var order, one per category sorted by name.
    tests/python/test_clustering_e2e.py checks the two lists agree. -#}
{% macro cluster_feature_columns() %}
    {%- set columns = [
        'recency_days', 'frequency', 'monetary', 'avg_order_value', 'avg_items_per_order',
        'promo_order_share', 'gift_order_share', 'return_rate', 'weekend_order_share',
        'holiday_order_share', 'birthday_order_share', 'is_business'
    ] -%}
    {%- for channel in validated_name_list_var('feature_channels') -%}
        {%- do columns.append('channel_' ~ channel ~ '_share') -%}
    {%- endfor -%}
    {%- for category in validated_name_list_var('feature_categories') | sort -%}
        {%- do columns.append('category_share_' ~ category) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
