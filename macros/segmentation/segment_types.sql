{#-
    The segment types of `customer_segments`, in one place: `segment_memberships`
    unpivots these columns, `segment_summary` groups by them, and the playbook
    tests check them. Add a type here (and its column in customer_segments) and
    every segment mart picks it up.
    Returns a list of (segment_type, column of customer_segments).
-#}
{% macro segment_types() -%}
    {{ return([
        ('rfm_segment', 'rfm_segment'),
        ('lifecycle_stage', 'lifecycle_stage'),
        ('value_tier', 'value_tier'),
        ('cluster', "coalesce(cluster_name, 'unclustered')"),
        ('occasion_persona', 'occasion_persona'),
        ('age_band', 'age_band'),
        ('gender', 'gender'),
        ('country_code', 'country_code'),
        ('continent', 'continent'),
        ('customer_type', 'customer_type'),
        ('industry', 'industry'),
        ('employee_count_band', 'employee_count_band'),
        ('revenue_band', 'revenue_band'),
        ('nps_group', 'nps_group'),
    ]) }}
{%- endmacro %}

{#- Segment types the playbook recommends actions for, in precedence order: when
    two of a customer's playbook rows have the same priority, the earlier type wins. -#}
{% macro playbook_segment_types() -%}
    {{ return(['lifecycle_stage', 'rfm_segment', 'value_tier', 'occasion_persona']) }}
{%- endmacro %}

{#- Segment types the migration mart tracks. -#}
{% macro migration_segment_types() -%}
    {{ return(['rfm_segment', 'lifecycle_stage', 'value_tier']) }}
{%- endmacro %}

{#- One row per customer per segment type: `relation` (one row per customer with the
    segment_types() columns and as_of_date) unpivoted, for the named types only
    (all when `only_types` is none), as `union all` of one select per type.
    Written once for int_segment_memberships (every type) and int_customer_plays
    (the playbook types), so the plays need not wait for the long table. -#}
{% macro unpivot_segment_types(relation, only_types=none) -%}
    {%- set selected = [] -%}
    {%- for segment_type, column in customer_segmentation.segment_types() -%}
        {%- if only_types is none or segment_type in only_types -%}
            {%- do selected.append((segment_type, column)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if only_types is not none and selected | length != only_types | length -%}
        {%- do exceptions.raise_compiler_error(
            "unpivot_segment_types: not segment types: "
            ~ (only_types | reject('in', selected | map('first') | list) | list)) -%}
    {%- endif -%}
    {%- for segment_type, column in selected %}
    select
        customer_id,
        '{{ segment_type }}' as segment_type,
        cast({{ column }} as {{ dbt.type_string() }}) as segment_value,
        as_of_date
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
