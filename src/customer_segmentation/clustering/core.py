"""``cluster_customers``: the behaviour-based segmentation, start to end.

Order of work: validate -> sort by customer_id (so results do not depend on input
row order) -> log1p + robust scaling + clipping -> k-means on a deterministic sample (k fixed
or chosen by silhouette) -> every customer to its nearest centroid -> stable ids
-> names -> assignments, profiles and run tables.

Stable ids: clusters are numbered 1..k by mean monetary (original units)
descending, ties broken by mean frequency descending, then by the centroid
coordinates (scaled space, lexicographic ascending). A missing monetary or
frequency column is skipped in that key.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from customer_segmentation.clustering.features import (
    CLIP_SCALED,
    ID_COLUMN,
    fit_scaling,
    select_feature_columns,
    to_model_space,
    validate_features,
)
from customer_segmentation.clustering.model import (
    Log,
    algorithm_name,
    choose_k,
    nearest_centroid,
    sample_positions,
)
from customer_segmentation.clustering.naming import cluster_names, z_scores

LOG_ABOVE_CUSTOMERS = 100_000
TOO_FEW_CUSTOMERS = "too_few_customers"  # k_chosen_by when no k in range can be scored

ASSIGNMENT_COLUMNS = ["customer_id", "cluster_id", "cluster_name", "distance_to_centroid"]
RUN_COLUMNS = [
    "k",
    "k_chosen_by",
    "silhouette",
    "criterion_scores",
    "sample_size",
    "seed",
    "features",
    "n_customers",
    "duration_seconds",
    "algorithm",
]


@dataclass(frozen=True)
class ClusteringResult:
    """Output of ``cluster_customers`` (see the module docstrings for column meanings)."""

    assignments: pd.DataFrame  # customer_id, cluster_id, cluster_name, distance_to_centroid
    profiles: pd.DataFrame  # cluster_id, cluster_name, customers, share_of_customers, mean_*
    run: pd.DataFrame  # one row, RUN_COLUMNS


def _logger(n: int) -> Log:
    """Progress lines on stderr (rich) for large inputs; silent otherwise."""
    if n <= LOG_ABOVE_CUSTOMERS:
        return lambda _msg: None
    from rich.console import Console

    console = Console(stderr=True)
    start = time.perf_counter()

    def log(msg: str) -> None:
        console.print(f"[dim]clustering {time.perf_counter() - start:7.1f}s[/dim] {msg}")

    return log


def _check_params(k: int | None, k_min: int, k_max: int, sample_size: int) -> None:
    if k is not None and k < 2:
        raise ValueError(f"k={k}: must be at least 2")
    if k is None and not 2 <= k_min <= k_max:
        raise ValueError(f"k_min={k_min}, k_max={k_max}: need 2 <= k_min <= k_max")
    if sample_size < 2:
        raise ValueError(f"sample_size={sample_size}: must be at least 2")


def _group_means(values: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Per-label column means (k x d); NaN for an empty cluster."""
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack(
        [np.bincount(labels, weights=values[:, j], minlength=k) for j in range(values.shape[1])],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def stable_order(
    means: np.ndarray, centroids: np.ndarray, columns: list[str]
) -> np.ndarray:
    """Old labels in new-id order (position i holds the label that becomes id i + 1)."""
    keys = []
    for label in range(centroids.shape[0]):
        key: list[float] = []
        for col in ("monetary", "frequency"):
            if col in columns:
                m = means[label, columns.index(col)]
                key.append(np.inf if np.isnan(m) else -float(m))
        key.extend(float(c) for c in centroids[label])
        keys.append((tuple(key), label))
    return np.array([label for _, label in sorted(keys)], dtype=np.int64)


def cluster_customers(
    features: pd.DataFrame,
    *,
    k: int | None = None,
    k_min: int = 3,
    k_max: int = 10,
    sample_size: int = 20000,
    seed: int = 42,
) -> ClusteringResult:
    """Segment customers by behaviour; see the package docstring for every rule."""
    started = time.perf_counter()
    columns = select_feature_columns(features.columns)
    validate_features(features, columns)
    _check_params(k, k_min, k_max, sample_size)
    n = len(features)
    log = _logger(n)
    log(f"{n:,} customers, {len(columns)} features")

    frame = features[[ID_COLUMN, *columns]].sort_values(ID_COLUMN, kind="stable", ignore_index=True)
    raw = frame[columns].to_numpy(dtype=np.float64)
    x = to_model_space(raw, columns)
    scaling = fit_scaling(x, columns)
    x -= scaling.center
    x /= scaling.scale
    np.clip(x, -CLIP_SCALED, CLIP_SCALED, out=x)

    positions = sample_positions(n, sample_size, seed)
    n_fit = len(positions)
    if k is not None and k > n_fit:
        raise ValueError(f"k={k}: more clusters than sampled customers ({n_fit})")
    k_max_eff = min(k_max, n_fit - 1)
    if k is None and k_max_eff < k_min:
        # A shop this small cannot score any k in the range (silhouette needs
        # k < customers): rather than fail the nightly build, fit the smallest
        # k the data allows and say so in the run record.
        k_small = max(1, min(k_min, n_fit))
        log(f"{n_fit} customers: too few to choose k in [{k_min}, {k_max}]; k={k_small}")
        choice = replace(
            choose_k(x[positions], k=k_small, k_min=k_small, k_max=k_small, seed=seed, log=log),
            chosen_by=TOO_FEW_CUSTOMERS,
        )
    else:
        choice = choose_k(x[positions], k=k, k_min=k_min, k_max=k_max_eff, seed=seed, log=log)

    log(f"assigning {n:,} customers to k={choice.k} centroids")
    labels, distance = nearest_centroid(x, choice.centroids)
    means = _group_means(raw, labels, choice.k)
    order = stable_order(means, choice.centroids, columns)
    new_id = np.empty(choice.k, dtype=np.int64)
    new_id[order] = np.arange(1, choice.k + 1)
    cluster_id = new_id[labels]

    z_old = z_scores(x, labels, choice.k, columns)
    z = {int(new_id[old]): z_old[old] for old in range(choice.k)}
    freq = (
        {int(new_id[old]): float(means[old, columns.index("frequency")]) for old in range(choice.k)}
        if "frequency" in columns
        else None
    )
    names = cluster_names(dict(sorted(z.items())), freq)

    assignments = pd.DataFrame(
        {
            "customer_id": frame[ID_COLUMN].to_numpy(),
            "cluster_id": cluster_id,
            "cluster_name": pd.Series(cluster_id).map(names).astype(str).to_numpy(),
            "distance_to_centroid": distance,
        }
    )
    counts = np.bincount(labels, minlength=choice.k)
    profiles = _profiles(means[order], counts[order], names, columns, n)
    run = run_frame(
        {
            "k": choice.k,
            "k_chosen_by": choice.chosen_by,
            "silhouette": choice.silhouette,
            "criterion_scores": json.dumps(
                {str(kk): None if s is None else round(s, 6) for kk, s in choice.scores.items()}
            ),
            "sample_size": n_fit,
            "seed": seed,
            "features": ",".join(columns),
            "n_customers": n,
            "duration_seconds": round(time.perf_counter() - started, 3),
            "algorithm": algorithm_name(n_fit),
        }
    )
    log(f"done: k={choice.k} ({choice.chosen_by}), run table ready")
    return ClusteringResult(assignments=assignments, profiles=profiles, run=run)


def _profiles(
    means: np.ndarray, counts: np.ndarray, names: dict[int, str], columns: list[str], n: int
) -> pd.DataFrame:
    ids = np.arange(1, len(counts) + 1)
    data: dict[str, Any] = {
        "cluster_id": ids,
        "cluster_name": [names[int(i)] for i in ids],
        "customers": counts.astype(np.int64),
        "share_of_customers": counts / n,
    }
    for j, col in enumerate(columns):
        data[f"mean_{col}"] = means[:, j]
    return pd.DataFrame(data)


def run_frame(run: dict[str, Any]) -> pd.DataFrame:
    """One-row run table with the columns in ``RUN_COLUMNS`` order."""
    return pd.DataFrame([{col: run.get(col) for col in RUN_COLUMNS}])


_PARAM_NAMES = ("k", "k_min", "k_max", "sample_size", "seed")
_AUTO_K = {"", "none", "null", "auto", "0"}


def parse_params(params: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``cluster_customers`` from runner params (dbt vars, CLI).

    Values may be strings; ``k`` of None, '', 'none', 'auto' or 0 means "choose k".
    Unknown keys raise ``ValueError`` naming them.
    """
    unknown = sorted(set(params) - set(_PARAM_NAMES))
    if unknown:
        raise ValueError(f"unknown clustering param(s): {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for name in _PARAM_NAMES:
        if name not in params:
            continue
        value = params[name]
        if name == "k" and str(value).strip().lower() in _AUTO_K:
            out["k"] = None
            continue
        try:
            out[name] = int(str(value).strip())
        except ValueError:
            raise ValueError(f"clustering param {name}={value!r}: not an integer") from None
    return out


def run_from_frame(
    features_df: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Shell for the runners (dbt Python model, PostgreSQL script): (assignments, profiles, run)."""
    result = cluster_customers(features_df, **parse_params(params))
    return result.assignments, result.profiles, result.run
