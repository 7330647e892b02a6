"""`cluster_runs` on warehouses where dbt runs Python (DuckDB); see runner.py.

dbt finds refs and config keys by reading this file, so they are spelled out
here rather than inside the package (the same lines are in the two sibling models).
"""

from customer_segmentation.clustering.runner import outputs_for_relation, params_from_vars


def model(dbt, session):
    dbt.config(materialized="table")
    # After customer_clusters, whose run fits the model: this one then finds the
    # fit memoised, instead of holding a second dbt thread while it waits for it.
    dbt.ref("customer_clusters")
    features = dbt.ref("customer_cluster_features")
    params = params_from_vars({
        "cluster_k": dbt.config.get("cluster_k"),
        "cluster_k_min": dbt.config.get("cluster_k_min"),
        "cluster_k_max": dbt.config.get("cluster_k_max"),
        "cluster_sample_size": dbt.config.get("cluster_sample_size"),
        "cluster_seed": dbt.config.get("cluster_seed"),
    })
    return outputs_for_relation(features, params, runner="dbt_python")["cluster_runs"]
