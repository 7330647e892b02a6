-- The `customer_clusters` table scripts/run_clustering.py wrote (source `clustering`),
-- typed; read only where dbt cannot run the clustering itself (doc block
-- `clustering_runners`).
with

assignments as (

    select * from {{ source('clustering', 'customer_clusters') }}

)

select
    customer_id,
    as_of_date,
    cast(cluster_id as bigint) as cluster_id,
    cluster_name,
    cast(distance_to_centroid as {{ type_double() }}) as distance_to_centroid
from assignments
