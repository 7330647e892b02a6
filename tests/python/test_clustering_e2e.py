"""Clustering inside the dbt DAG, end to end on generated data with planted personas.

The session warehouse (tests/python/conftest.py) ran the clustering as dbt Python
models; a second build runs it as scripts/run_clustering.py (the path PostgreSQL
and Spark take). Expected values come from the generator's truth file and from
the package called directly, never from the marts under test.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import BuiltWarehouse
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.clustering import cluster_customers, select_feature_columns

pytestmark = pytest.mark.e2e

ARI_MIN = 0.8


def features(warehouse: BuiltWarehouse) -> pd.DataFrame:
    return warehouse.frame("select * from marts.customer_cluster_features")


def personas(warehouse: BuiltWarehouse) -> pd.Series:
    truth = pd.read_csv(warehouse.raw_dir / "truth" / "customer_personas.csv", dtype=str)
    return truth.set_index("customer_id")["persona"]


def test_every_scored_customer_has_exactly_one_cluster(warehouse: BuiltWarehouse) -> None:
    (scored,) = warehouse.query("select count(*) from marts.customer_rfm where frequency > 0")[0]
    rows, customers, missing = warehouse.query(
        """
        select
            count(*),
            count(distinct c.customer_id),
            count(*) filter (where r.customer_id is null)
        from marts.customer_clusters as c
        left join marts.customer_rfm as r
            on c.customer_id = r.customer_id and r.frequency > 0
        """
    )[0]
    assert scored > 0
    assert (rows, customers, missing) == (scored, scored, 0)


def test_ids_are_one_to_k_and_profiles_add_up(warehouse: BuiltWarehouse) -> None:
    (k,) = warehouse.query("select k from marts.cluster_runs")[0]
    profiles = warehouse.query("select cluster_id from marts.cluster_profiles order by 1")
    ids = [r[0] for r in profiles]
    assert ids == list(range(1, k + 1))
    sizes = dict(warehouse.query("select cluster_id, customers from marts.cluster_profiles"))
    counted = dict(
        warehouse.query("select cluster_id, count(*) from marts.customer_clusters group by 1")
    )
    assert sizes == counted


def test_cluster_one_has_the_highest_mean_monetary(warehouse: BuiltWarehouse) -> None:
    means = warehouse.frame(
        """
        select c.cluster_id, avg(f.monetary) as mean_monetary
        from marts.customer_clusters as c
        inner join marts.customer_cluster_features as f on c.customer_id = f.customer_id
        group by 1 order by 1
        """
    )
    assert means["mean_monetary"].is_monotonic_decreasing


def test_dbt_model_equals_the_package_and_reruns_identically(warehouse: BuiltWarehouse) -> None:
    """The Python model is the package: same input, same labels; and the package is
    deterministic: a second run gives the same labels."""
    frame = features(warehouse)
    first = cluster_customers(frame).assignments
    second = cluster_customers(frame.sample(frac=1.0, random_state=3)).assignments
    built = warehouse.frame(
        "select customer_id, cluster_id, cluster_name from marts.customer_clusters order by 1"
    )
    expected = first[["customer_id", "cluster_id", "cluster_name"]].sort_values("customer_id")
    pd.testing.assert_frame_equal(
        built.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )
    pd.testing.assert_frame_equal(first, second)


def test_clusters_recover_the_planted_personas(warehouse: BuiltWarehouse) -> None:
    """Adjusted Rand index against the planted behaviour personas, k = their number."""
    frame = features(warehouse)
    truth = personas(warehouse).reindex(frame["customer_id"])
    assert truth.notna().all(), "every scored customer has a planted persona"
    k = truth.nunique()
    assignments = cluster_customers(frame, k=k).assignments.set_index("customer_id")
    ari_fixed = adjusted_rand_score(truth, assignments.loc[frame["customer_id"], "cluster_id"])
    built = dict(warehouse.query("select customer_id, cluster_id from marts.customer_clusters"))
    ari_auto = adjusted_rand_score(truth, [built[c] for c in frame["customer_id"]])
    (k_auto,) = warehouse.query("select k from marts.cluster_runs")[0]
    print(f"ARI k={k} (planted personas): {ari_fixed:.3f}; ARI k={k_auto} (chosen): {ari_auto:.3f}")
    assert ari_fixed >= ARI_MIN, f"ARI {ari_fixed:.3f} < {ARI_MIN} with k={k}"


def test_feature_columns_agree_between_sql_and_package(warehouse: BuiltWarehouse) -> None:
    """The mean_* columns the SQL (script path) models list equal the package's columns."""
    profile_columns = [
        r[0]
        for r in warehouse.query(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'cluster_profiles' and column_name like 'mean_%' "
            "order by ordinal_position"
        )
    ]
    package = select_feature_columns(features(warehouse).columns)
    assert profile_columns == [f"mean_{c}" for c in package]


@pytest.fixture(scope="module")
def script_warehouse(warehouse: BuiltWarehouse, warehouse_factory) -> BuiltWarehouse:
    """The same raw data built with the clustering as a script (PostgreSQL's path)."""
    return warehouse_factory(warehouse.raw_dir, {"clustering_runner": "script"})


@pytest.mark.parametrize("table", ["customer_clusters", "cluster_profiles"])
def test_script_path_gives_the_same_tables(
    warehouse: BuiltWarehouse, script_warehouse: BuiltWarehouse, table: str
) -> None:
    key = "customer_id" if table == "customer_clusters" else "cluster_id"
    python_model = warehouse.frame(f"select * from marts.{table} order by {key}")
    script = script_warehouse.frame(f"select * from marts.{table} order by {key}")
    assert len(python_model) > 0
    pd.testing.assert_frame_equal(python_model, script, check_dtype=False)


def test_run_record_says_which_runner_and_why_k(
    warehouse: BuiltWarehouse, script_warehouse: BuiltWarehouse
) -> None:
    columns = "k, k_chosen_by, criterion_scores, sample_size, seed, features, n_customers"
    python_run = warehouse.query(f"select {columns}, runner from marts.cluster_runs")
    script_run = script_warehouse.query(f"select {columns}, runner from marts.cluster_runs")
    assert [r[:-1] for r in python_run] == [r[:-1] for r in script_run]
    assert (python_run[0][-1], script_run[0][-1]) == ("dbt_python", "script")
    k, chosen_by, scores = python_run[0][:3]
    assert chosen_by == "silhouette"
    tried = {int(kk): s for kk, s in json.loads(scores).items()}
    assert sorted(tried) == list(range(3, 11))
    assert tried[k] == max(tried.values())
