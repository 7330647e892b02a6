-- `customer_clusters` where dbt cannot run Python: scripts/run_clustering.py
-- runs the same package code on customer_cluster_features (doc block
-- `clustering_runners`); this model publishes its table in marts.
select
    customer_id,
    as_of_date,
    cluster_id,
    cluster_name,
    distance_to_centroid
from {{ ref('stg_clustering__customer_clusters') }}
