-- The `cluster_runs` table scripts/run_clustering.py wrote (source `clustering`),
-- typed; read only where dbt cannot run the clustering itself (doc block
-- `clustering_runners`).
with

runs as (

    select * from {{ source('clustering', 'cluster_runs') }}

)

select
    as_of_date,
    cast(k as bigint) as k,
    k_chosen_by,
    cast(silhouette as {{ type_double() }}) as silhouette,
    criterion_scores,
    cast(sample_size as bigint) as sample_size,
    cast(seed as bigint) as seed,
    features,
    cast(n_customers as bigint) as n_customers,
    cast(duration_seconds as {{ type_double() }}) as duration_seconds,
    algorithm,
    runner
from runs
