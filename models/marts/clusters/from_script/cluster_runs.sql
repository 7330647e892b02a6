-- `cluster_runs` where dbt cannot run Python (doc block `clustering_runners`).
select
    as_of_date,
    k,
    k_chosen_by,
    silhouette,
    criterion_scores,
    sample_size,
    seed,
    features,
    n_customers,
    duration_seconds,
    algorithm,
    runner
from {{ ref('stg_clustering__cluster_runs') }}
