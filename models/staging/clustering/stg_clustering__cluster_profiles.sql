-- The `cluster_profiles` table scripts/run_clustering.py wrote (source `clustering`),
-- typed; read only where dbt cannot run the clustering itself (doc block
-- `clustering_runners`).
with

profiles as (

    select * from {{ source('clustering', 'cluster_profiles') }}

)

select
    cast(cluster_id as bigint) as cluster_id,
    cluster_name,
    cast(customers as bigint) as customers,
    cast(share_of_customers as {{ type_double() }}) as share_of_customers,
    {%- for column in cluster_feature_columns() %}
        cast(mean_{{ column }} as {{ type_double() }}) as mean_{{ column }},
    {%- endfor %}
    as_of_date
from profiles
