-- `cluster_profiles` where dbt cannot run Python (doc block `clustering_runners`).
select
    cluster_id,
    cluster_name,
    customers,
    share_of_customers,
    {%- for column in cluster_feature_columns() %}
        mean_{{ column }},
    {%- endfor %}
    as_of_date
from {{ ref('stg_clustering__cluster_profiles') }}
