"""Behaviour clustering on synthetic customers with planted groups."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.clustering import (
    RUN_COLUMNS,
    ClusteringResult,
    cluster_customers,
    parse_params,
    run_from_frame,
)
from customer_segmentation.clustering.naming import cluster_names, compose_name

N_GROUPS = 5
CHANNELS = ["web", "app", "store", "phone", "marketplace"]

# group -> (recency, frequency, monetary, promo, gift, weekend, items, b2b, channel weights)
GROUPS = {
    "vip": (10, 30, 6000, 0.10, 0.05, 0.30, 3, 0, [6, 2, 2, 0.5, 0.5]),
    "lapsed_promo": (500, 1, 40, 0.90, 0.02, 0.30, 2, 0, [3, 1, 1, 0.5, 3]),
    "gifters": (60, 5, 600, 0.20, 0.75, 0.30, 2, 0, [3, 1, 3, 0.5, 0.5]),
    "weekend_app": (30, 8, 300, 0.30, 0.05, 0.85, 2, 0, [1, 8, 0.5, 0.2, 0.5]),
    "b2b_bulk": (20, 12, 20000, 0.05, 0.00, 0.05, 40, 1, [2, 0.2, 0.5, 4, 0.2]),
}


def planted(n: int = 3000, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """Features with ``N_GROUPS`` well-separated planted groups, and the truth labels."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, N_GROUPS, size=n)
    cols: dict[str, np.ndarray] = {
        name: np.empty(n)
        for name in ("recency_days", "frequency", "monetary", "promo_order_share",
                     "gift_order_share", "weekend_order_share", "avg_items_per_order",
                     "is_business", "return_rate", "holiday_order_share")
    }
    for c in CHANNELS:
        cols[f"channel_{c}_share"] = np.empty(n)
    for g, (rec, freq, mon, promo, gift, wknd, items, b2b, chan) in enumerate(GROUPS.values()):
        m = truth == g
        size = int(m.sum())

        def share(mean: float, size: int = size) -> np.ndarray:
            conc = 40.0
            return rng.beta(mean * conc + 0.05, (1 - mean) * conc + 0.05, size)

        cols["recency_days"][m] = np.round(rec * rng.lognormal(0, 0.2, size))
        cols["frequency"][m] = np.maximum(1, np.round(freq * rng.lognormal(0, 0.15, size)))
        cols["monetary"][m] = mon * rng.lognormal(0, 0.25, size)
        cols["promo_order_share"][m] = share(promo)
        cols["gift_order_share"][m] = share(gift)
        cols["weekend_order_share"][m] = share(wknd)
        cols["avg_items_per_order"][m] = items * rng.lognormal(0, 0.2, size)
        cols["is_business"][m] = b2b
        cols["return_rate"][m] = share(0.05)
        cols["holiday_order_share"][m] = share(0.1)
        mix = rng.dirichlet(np.array(chan) * 5, size)
        for j, c in enumerate(CHANNELS):
            cols[f"channel_{c}_share"][m] = mix[:, j]
    frame = pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(n)], **cols})
    frame.loc[(truth == 1) & (rng.random(n) < 0.05), "monetary"] = -15.0  # net returners
    frame["avg_order_value"] = frame["monetary"] / frame["frequency"]
    frame["category_share_toys"] = rng.random(n) * 0.2
    frame["category_share_home_garden"] = rng.random(n) * 0.2
    frame["unrelated_column"] = "ignored"
    return frame, truth


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return planted()


@pytest.fixture(scope="module")
def result(data: tuple[pd.DataFrame, np.ndarray]) -> ClusteringResult:
    return cluster_customers(data[0], seed=42)


def labels_by_customer(res: ClusteringResult) -> pd.Series:
    return res.assignments.set_index("customer_id")["cluster_id"].sort_index()


def test_recovers_planted_groups_and_k(data, result):
    frame, truth = data
    truth_by_id = pd.Series(truth, index=frame["customer_id"]).sort_index()
    assert int(result.run["k"].iloc[0]) == N_GROUPS
    assert result.run["k_chosen_by"].iloc[0] == "silhouette"
    assert adjusted_rand_score(truth_by_id, labels_by_customer(result)) >= 0.8


def test_run_table(data, result):
    run = result.run
    assert list(run.columns) == RUN_COLUMNS and len(run) == 1
    scores = json.loads(run["criterion_scores"].iloc[0])
    assert set(scores) == {str(k) for k in range(3, 11)}
    assert run["silhouette"].iloc[0] == pytest.approx(max(scores.values()))
    assert run["n_customers"].iloc[0] == len(data[0])
    assert "unrelated_column" not in run["features"].iloc[0]
    assert "category_share_toys" in run["features"].iloc[0].split(",")


def test_rerun_is_identical(data, result):
    again = cluster_customers(data[0], seed=42)
    pd.testing.assert_frame_equal(again.assignments, result.assignments)
    pd.testing.assert_frame_equal(again.profiles, result.profiles)


def test_fitting_k_values_in_parallel_chooses_as_one_at_a_time(data, result, monkeypatch):
    """The values of k are fitted FIT_WORKERS at a time; the choice (k, every
    silhouette, the centroids, hence the assignments) equals a one-by-one fit."""
    from customer_segmentation.clustering import model

    assert model.FIT_WORKERS > 1
    monkeypatch.setattr(model, "FIT_WORKERS", 1)
    sequential = cluster_customers(data[0], seed=42)
    assert json.loads(sequential.run["criterion_scores"].iloc[0]) == json.loads(
        result.run["criterion_scores"].iloc[0])
    pd.testing.assert_frame_equal(sequential.run.drop(columns="duration_seconds"),
                                  result.run.drop(columns="duration_seconds"))
    pd.testing.assert_frame_equal(sequential.assignments, result.assignments)


def test_row_order_does_not_matter(data, result):
    shuffled = data[0].sample(frac=1.0, random_state=3)
    again = cluster_customers(shuffled, seed=42)
    pd.testing.assert_series_equal(labels_by_customer(again), labels_by_customer(result))
    pd.testing.assert_frame_equal(again.assignments, result.assignments)


def test_ids_ordered_by_monetary(result):
    prof = result.profiles
    k = int(result.run["k"].iloc[0])
    assert list(prof["cluster_id"]) == list(range(1, k + 1))
    assert prof["mean_monetary"].is_monotonic_decreasing
    assert set(result.assignments["cluster_id"]) == set(range(1, k + 1))


def test_profiles(data, result):
    prof = result.profiles
    assert prof["customers"].sum() == len(data[0])
    assert prof["share_of_customers"].sum() == pytest.approx(1.0)
    # original units: monetary mean of the top cluster is the b2b planted level, not a log
    assert prof["mean_monetary"].iloc[0] > 10000
    means = data[0].groupby(labels_by_customer(result).reindex(data[0]["customer_id"]).to_numpy())
    expected = means["frequency"].mean().to_numpy()
    np.testing.assert_allclose(prof["mean_frequency"].to_numpy(), expected)


def test_names(result):
    prof = result.profiles
    names = list(prof["cluster_name"])
    assert len(set(names)) == len(names)
    assert all(names)
    b2b = prof.loc[prof["mean_is_business"] > 0.5, "cluster_name"]
    assert len(b2b) == 1 and "b2b" in b2b.iloc[0]
    gifters = prof.loc[prof["mean_gift_order_share"].idxmax(), "cluster_name"]
    assert "gifters" in gifters
    lapsed = prof.loc[prof["mean_recency_days"].idxmax(), "cluster_name"]
    assert "lapsed" in lapsed or "one-time" in lapsed
    by_id = dict(zip(prof["cluster_id"], prof["cluster_name"], strict=True))
    assigned = result.assignments.drop_duplicates("cluster_id")
    assert all(by_id[c] == n for c, n in zip(assigned["cluster_id"], assigned["cluster_name"],
                                              strict=True))


def test_assignments_shape(data, result):
    a = result.assignments
    assert list(a.columns) == ["customer_id", "cluster_id", "cluster_name", "distance_to_centroid"]
    assert len(a) == len(data[0]) and a["customer_id"].is_unique
    assert (a["distance_to_centroid"] >= 0).all()


def test_nan_raises_naming_the_column(data):
    frame = data[0].copy()
    frame.loc[5, "weekend_order_share"] = np.nan
    with pytest.raises(ValueError, match="weekend_order_share"):
        cluster_customers(frame)


def test_bad_inputs_raise():
    frame, _ = planted(n=200)
    with pytest.raises(ValueError, match="customer_id"):
        cluster_customers(pd.concat([frame, frame.head(1)]), k=3)
    with pytest.raises(ValueError, match="no feature column"):
        cluster_customers(frame[["customer_id", "unrelated_column"]], k=3)
    with pytest.raises(ValueError, match="k=1"):
        cluster_customers(frame, k=1)


def test_fixed_k_and_small_sample_assign_everyone(data):
    frame = data[0]
    res = cluster_customers(frame, k=7, sample_size=500, seed=1)
    run = res.run.iloc[0]
    assert run["k"] == 7 and run["k_chosen_by"] == "fixed" and run["sample_size"] == 500
    assert list(json.loads(run["criterion_scores"])) == ["7"]
    assert len(res.assignments) == len(frame)
    assert sorted(res.assignments["cluster_id"].unique()) == list(range(1, 8))
    assert res.profiles["customers"].sum() == len(frame)
    assert res.profiles["cluster_name"].is_unique


def test_constant_and_sparse_columns_do_not_break(data):
    frame = data[0].copy()
    frame["birthday_order_share"] = 0.0  # constant: IQR 0 and std 0
    frame["channel_phone_share"] = 0.0
    frame.loc[frame.index[:30], "channel_phone_share"] = 1.0  # IQR 0, std > 0
    res = cluster_customers(frame, k=5)
    assert np.isfinite(res.assignments["distance_to_centroid"]).all()


def test_run_from_frame_params(data):
    assignments, profiles, run = run_from_frame(
        data[0], {"k": "4", "sample_size": "1000", "seed": 9}
    )
    assert run["k"].iloc[0] == 4 and run["seed"].iloc[0] == 9
    assert len(assignments) == len(data[0]) and len(profiles) == 4
    assert parse_params({"k": "auto", "k_max": "6"}) == {"k": None, "k_max": 6}
    with pytest.raises(ValueError, match="bogus"):
        parse_params({"bogus": 1})


def test_name_collisions_are_disambiguated():
    z = {"frequency": 2.0, "category_share_toys": 0.3, "category_share_books": 0.1}
    z2 = {"frequency": 2.0, "category_share_books": 0.4, "category_share_toys": -0.1}
    names = cluster_names({1: z, 2: z2, 3: dict(z)})
    assert names == {1: "frequent buyers (toys)", 2: "frequent buyers (books)",
                     3: "frequent buyers"}
    twins = cluster_names({1: {"frequency": 2.0}, 2: {"frequency": 2.0}})
    assert twins == {1: "frequent buyers #1", 2: "frequent buyers #2"}
    assert compose_name({"frequency": 0.1})[0] == "mainstream buyers"
    assert compose_name({"frequency": -1.0}, mean_frequency=1.0)[0] == "one-time buyers"
