"""The runners around the clustering: parameters from dbt vars, memoised fit, outputs."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_segmentation.clustering import runner
from customer_segmentation.clustering.warehouse import (
    clustering_params,
    numeric_features,
    postgres_type,
    project_var_defaults,
)


def small_features(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """Two obvious groups (big frequent spenders, small one-time buyers)."""
    rng = np.random.default_rng(seed)
    big = rng.random(n) < 0.5
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "as_of_date": pd.Timestamp("2025-01-01"),
            "recency_days": np.where(big, 10, 400) + rng.integers(0, 5, n),
            "frequency": np.where(big, 20, 1) + rng.integers(0, 2, n),
            "monetary": np.where(big, 3000.0, 40.0) * rng.lognormal(0, 0.1, n),
            "promo_order_share": rng.random(n),
        }
    )


def test_params_from_vars_maps_dbt_vars_and_parses_strings() -> None:
    params = runner.params_from_vars(
        {"cluster_k": "None", "cluster_k_min": "2", "cluster_k_max": 4, "cluster_seed": "7"}
    )
    assert params == {"k": None, "k_min": 2, "k_max": 4, "seed": 7}


def test_params_from_vars_names_a_bad_value() -> None:
    with pytest.raises(ValueError, match="k_max"):
        runner.params_from_vars({"cluster_k_max": "ten"})


def relation_of(frame: pd.DataFrame) -> duckdb.DuckDBPyRelation:
    """The frame as a DuckDB relation, as dbt.ref gives it to a dbt Python model."""
    return duckdb.connect().from_df(frame)


def test_relation_key_ignores_row_order_but_not_values_columns_or_params() -> None:
    frame = small_features()
    key = runner.relation_key(relation_of(frame), {"k": 2})
    shuffled = frame.sample(frac=1.0, random_state=2)
    assert runner.relation_key(relation_of(shuffled), {"k": 2}) == key
    assert runner.relation_key(relation_of(frame), {"k": 3}) != key
    changed = frame.copy()
    changed.loc[0, "monetary"] += 1
    assert runner.relation_key(relation_of(changed), {"k": 2}) != key
    # the same values under other column names, and one row fewer
    renamed = frame.rename(columns={"monetary": "spend"})
    assert runner.relation_key(relation_of(renamed), {"k": 2}) != key
    assert runner.relation_key(relation_of(frame.iloc[1:]), {"k": 2}) != key


def test_outputs_for_relation_reads_the_features_only_to_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sibling models find the fit without reading the mart into pandas, and
    their tables equal those of the pandas path."""
    reads: list[int] = []

    class CountingRelation:
        def __init__(self, relation: duckdb.DuckDBPyRelation) -> None:
            self.relation = relation
            self.columns = relation.columns
            self.project = relation.project

        def df(self) -> pd.DataFrame:
            reads.append(1)
            return self.relation.df()

    monkeypatch.setattr(runner, "_memo", {})
    frame = small_features()

    def outputs(params: dict[str, int]) -> dict[str, pd.DataFrame]:
        return runner.outputs_for_relation(CountingRelation(relation_of(frame)), params,
                                           runner="dbt_python")

    first = outputs({"k": 2})
    again = outputs({"k": 2})
    assert reads == [1]
    expected = runner.outputs_for(frame, {"k": 2}, runner="dbt_python")
    for name in runner.OUTPUT_TABLES:
        pd.testing.assert_frame_equal(again[name], first[name])
        if name != "cluster_runs":  # the run record holds the fit's duration
            pd.testing.assert_frame_equal(first[name], expected[name])
    outputs({"k": 3})
    assert reads == [1, 1]


def test_outputs_carry_a_date_and_the_runner() -> None:
    out = runner.outputs_for(small_features(), {"k": 2}, runner="script")
    assert set(out) == set(runner.OUTPUT_TABLES)
    assert out["customer_clusters"].columns[:2].tolist() == ["customer_id", "as_of_date"]
    for frame in out.values():
        assert frame["as_of_date"].tolist() == [dt.date(2025, 1, 1)] * len(frame)
    assert out["cluster_runs"]["runner"].tolist() == ["script"]
    assert "runner" not in out["customer_clusters"]
    assert out["cluster_profiles"]["customers"].sum() == len(out["customer_clusters"])


def test_two_as_of_dates_are_refused() -> None:
    frame = small_features()
    frame.loc[0, "as_of_date"] = pd.Timestamp("2024-01-01")
    with pytest.raises(ValueError, match="as_of_date"):
        runner.as_of_date_of(frame)


def test_script_params_are_project_defaults_overridden_by_vars() -> None:
    defaults = project_var_defaults()
    assert set(defaults) == set(runner.PARAM_VARS)
    params = clustering_params({"cluster_k": 6, "as_of_date": "2025-01-01"})
    assert params["k"] == 6
    assert params["k_max"] == int(defaults["cluster_k_max"])


def test_postgres_numerics_become_floats_and_types_map() -> None:
    from decimal import Decimal

    frame = pd.DataFrame(
        {"customer_id": ["a"], "as_of_date": [dt.date(2025, 1, 1)], "monetary": [Decimal("1.25")]}
    )
    converted = numeric_features(frame)
    assert converted["monetary"].dtype == np.float64
    assert converted["customer_id"].tolist() == ["a"]
    assert postgres_type("as_of_date", frame["as_of_date"]) == "date"
    assert postgres_type("k", pd.Series([3])) == "bigint"
    assert postgres_type("silhouette", pd.Series([0.5])) == "double precision"
    assert postgres_type("cluster_name", pd.Series(["x"])) == "text"


def test_a_shop_with_no_scored_customer_gets_empty_tables_and_a_run_record() -> None:
    frame = small_features().head(0)
    out = runner.outputs_for(frame, {}, runner="dbt_python")
    assert len(out["customer_clusters"]) == 0 and len(out["cluster_profiles"]) == 0
    run = out["cluster_runs"].iloc[0]
    assert (run["k"], run["k_chosen_by"], run["n_customers"]) == (0, "no_customers", 0)
    assert "mean_monetary" in out["cluster_profiles"].columns


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_tiny_shop_is_clustered_with_the_k_it_allows(n: int) -> None:
    out = runner.outputs_for(small_features().head(n), {"k_min": 3, "k_max": 10}, "script")
    run = out["cluster_runs"].iloc[0]
    assert run["k_chosen_by"] == "too_few_customers"
    assert run["k"] == min(3, n)
    assert len(out["customer_clusters"]) == n
    assert out["cluster_profiles"]["customers"].sum() == n
