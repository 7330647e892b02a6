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
