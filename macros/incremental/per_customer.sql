{#- Incremental per-customer feature tables (doc block `incremental_customer_features`):
    one row per customer known at as_of_date, recomputed only for the customers
    whose order history before as_of_date may have changed since the last build. -#}


{#- The bookkeeping columns of a per-customer incremental model, (name, type). -#}
{% macro customer_feature_bookkeeping() -%}
    {{ return([
        ('_as_of_date', 'date'),
        ('_order_count', dbt.type_bigint()),
        ('_refreshed_at', dbt.type_timestamp()),
        ('_build_settings', dbt.type_string()),
    ]) }}
{%- endmacro %}


{#- Pre-hook of a per-customer incremental model: deletes the rows of customers no
    longer in `customers` (as_of_date moved back, a customer reloaded away) and
    every row computed with other build settings. -#}
{% macro prune_customer_rows(customers, settings=[]) -%}
    {{ customer_segmentation.prune_incremental(
        customer_segmentation.customer_feature_bookkeeping(),
        customer_segmentation.stored_key_not_in('customer_id', customers),
        settings=settings) }}
{%- endmacro %}


{#- The CTEs `order_counts` (every customer's orders in int_orders, whatever their
    date), `customers` (the known customers this build computes a row for: all on a
    full build) and, on an incremental build, `recomputed_customers`. A customer
    is recomputed when
    - they are in `customers` but have no stored row (new, or newly known at as_of_date);
    - one of their orders in int_orders, or a row of theirs in one of `order_inputs`
      (models with `customer_id` and `_refreshed_at`), was refreshed since the
      model's latest `_refreshed_at`;
    - one of their orders lies between the stored rows' as_of_date and this
      build's (the cut at as_of_date moved over it, either way);
    - their number of orders differs from the stored `_order_count`: an order
      left int_orders (quarantined, superseded by a duplicate, moved to another
      customer), which no refreshed row shows.
    Every other customer's orders before as_of_date are the ones their stored row
    was computed from, so the row stands. -#}
{% macro recomputed_customers_ctes(customers, order_inputs=[]) -%}
order_counts as (

    select
        customer_id,
        count(*) as order_count
    from {{ ref('int_orders') }}
    where customer_id is not null
    group by customer_id

),
{%- if is_incremental() %}

stored as (

    select
        max(_refreshed_at) as refreshed_through,
        cast(min(_as_of_date) as timestamp) as earliest_as_of,
        cast(max(_as_of_date) as timestamp) as latest_as_of
    from {{ this }}

),

as_of_window as (

    -- the span the cut at as_of_date moved over since the stored rows were computed
    select
        case
            when stored.earliest_as_of < as_of.as_of_at then stored.earliest_as_of
            else as_of.as_of_at
        end as window_start,
        case
            when stored.latest_as_of > as_of.as_of_at then stored.latest_as_of
            else as_of.as_of_at
        end as window_end
    from stored
    cross join (
        select cast({{ customer_segmentation.as_of_date() }} as timestamp) as as_of_at
    ) as as_of

),

-- read twice (customers below, and a model's own inputs): computed once
recomputed_customers {{ customer_segmentation.as_materialized() }} (

    select known.customer_id
    from {{ customers }} as known
    where {{ customer_segmentation.key_not_in('known.customer_id', this, 'customer_id', alias='stored_rows') }}
    union
    select orders.customer_id
    from {{ ref('int_orders') }} as orders
    cross join stored
    cross join as_of_window
    where
        orders.customer_id is not null
        and (
            orders._refreshed_at > stored.refreshed_through
            or (
                orders.ordered_at >= as_of_window.window_start
                and orders.ordered_at < as_of_window.window_end
            )
        )
    {%- for order_input in order_inputs %}
    union
    select refreshed.customer_id
    from {{ order_input }} as refreshed
    cross join stored
    where refreshed.customer_id is not null and refreshed._refreshed_at > stored.refreshed_through
    {%- endfor %}
    union
    select stored_rows.customer_id
    from {{ this }} as stored_rows
    left join order_counts
        on stored_rows.customer_id = order_counts.customer_id
    where coalesce(order_counts.order_count, 0) != stored_rows._order_count

),
{%- endif %}

customers as (

    -- the customers this build computes a row for
    select known.customer_id
    from {{ customers }} as known
    {%- if is_incremental() %}
    where known.customer_id in (select recomputed_customers.customer_id from recomputed_customers)
    {%- endif %}

),
{%- endmacro %}


{#- Restricts a per-customer input to the recomputed customers on an incremental
    build (renders nothing on a full build). `column`: the input's customer id. -#}
{% macro only_recomputed_customers(column='customer_id') -%}
    {%- if is_incremental() -%}
        and {{ column }} in (select recomputed_customers.customer_id from recomputed_customers)
    {%- endif -%}
{%- endmacro %}


{#- The bookkeeping columns of a per-customer row; the caller joins the CTE
    `order_counts` from recomputed_customers_ctes. -#}
{% macro customer_feature_bookkeeping_columns(settings=[]) -%}
    {{ customer_segmentation.as_of_date() }} as _as_of_date,
    coalesce(order_counts.order_count, 0) as _order_count,
    {{ customer_segmentation.build_run_timestamp() }} as _refreshed_at,
    {{ customer_segmentation.incremental_build_settings(settings=settings) }} as _build_settings
{%- endmacro %}


{#- int_customer_spend_mix's own build settings: its columns come from these vars. -#}
{% macro spend_mix_settings() -%}
    {{ return([
        'feature_categories=' ~ customer_segmentation.validated_name_list_var('feature_categories') | join(','),
        'feature_tags=' ~ customer_segmentation.validated_name_list_var('feature_tags') | join(','),
    ]) }}
{%- endmacro %}


{#- int_customer_behaviour's own build settings: its channel columns come from this var. -#}
{% macro behaviour_settings() -%}
    {{ return([
        'feature_channels=' ~ customer_segmentation.validated_name_list_var('feature_channels') | join(','),
    ]) }}
{%- endmacro %}
