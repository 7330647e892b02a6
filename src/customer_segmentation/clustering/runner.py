"""Runners around ``cluster_customers``: the dbt Python models and the script path.

One code path for the algorithm: both runners read the feature mart
``customer_cluster_features``, fit it with ``_fit`` (the script through
``outputs_for``, the dbt models through ``outputs_for_relation``) and write the
same three tables:

- ``customer_clusters``: one row per scored customer (``ASSIGNMENT_COLUMNS``);
- ``cluster_profiles``: one row per cluster (size, share, feature means in original units);
- ``cluster_runs``: one row per run (``RUN_COLUMNS``: k, how it was chosen, the
  criterion score of every k tried, silhouette, sample size, seed, features, duration).

Each table gets the feature mart's ``as_of_date``; the run record also says which
``runner`` made it (``dbt_python`` or ``script``).

Where dbt runs Python (DuckDB), the three tables are three Python models, and a
model returns one table. They would otherwise fit the same model three times, so
``outputs_for_relation`` memoises the fit per process, keyed by a content digest
of the features and the parameters: a ``dbt build`` fits once, and a model run on
its own refits and gets the same answer (the algorithm is deterministic). DuckDB
computes the digest on the feature mart itself, so a model that finds the fit
memoised never reads the mart into pandas (about 2 s for each of the two sibling
models at 1M customers). The script path writes all three tables from one
``outputs_for`` call, so it fits once without a memo.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

from customer_segmentation.clustering.core import (
    ClusteringResult,
    cluster_customers,
    parse_params,
    run_frame,
)
from customer_segmentation.clustering.features import select_feature_columns

OUTPUT_TABLES = ("customer_clusters", "cluster_profiles", "cluster_runs")
FEATURES_MODEL = "customer_cluster_features"
AS_OF_COLUMN = "as_of_date"
DATE_DTYPE = pd.ArrowDtype(pa.date32())
NO_CUSTOMERS = "no_customers"  # k_chosen_by of a run with nothing to cluster

# dbt var -> cluster_customers keyword; the dbt Python models get these through
# their config (models/marts/clusters/_clusters__models.yml), the script from --vars.
PARAM_VARS: dict[str, str] = {
    "cluster_k": "k",
    "cluster_k_min": "k_min",
    "cluster_k_max": "k_max",
    "cluster_sample_size": "sample_size",
    "cluster_seed": "seed",
}

_lock = threading.Lock()
_memo: dict[str, tuple[ClusteringResult, Any]] = {}  # key -> (fit, as_of_date)


class Relation(Protocol):
    """What ``outputs_for_relation`` needs of a DuckDB relation (``dbt.ref`` in a
    dbt Python model on DuckDB)."""

    @property
    def columns(self) -> list[str]: ...

    def project(self, *args: str) -> Relation: ...

    def aggregate(self, aggr_expr: str) -> Relation: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def df(self) -> pd.DataFrame: ...


def params_from_vars(values: Mapping[str, Any]) -> dict[str, Any]:
    """``cluster_customers`` keywords from dbt var values (missing vars keep the defaults)."""
    params = {kw: values[var] for var, kw in PARAM_VARS.items() if var in values}
    return parse_params(params)


def relation_key(relation: Relation, params: Mapping[str, Any]) -> str:
    """Content digest of a DuckDB relation (row order ignored) and the parameters,
    computed by DuckDB: the row count and the XOR and the sum of a 64-bit hash of
    each row. Two different feature sets share it only by a 64-bit collision, and
    the memo holds one fit per process (a single dbt invocation)."""
    columns = ", ".join('"' + name.replace('"', '""') + '"' for name in relation.columns)
    [(rows, xor, total)] = relation.project(f"hash({columns}) as row_hash").aggregate(
        "count(*), bit_xor(row_hash), sum(cast(row_hash as hugeint))"
    ).fetchall()
    digest = hashlib.sha256(f"{rows}:{xor}:{total}".encode())
    digest.update(",".join(relation.columns).encode())
    digest.update(repr(sorted(params.items())).encode())
    return "relation:" + digest.hexdigest()


def _fit(features: pd.DataFrame, params: Mapping[str, Any]) -> tuple[ClusteringResult, Any]:
    """The fit of the features (empty tables for none) and their as_of_date."""
    if features.empty:
        fit = empty_result(features, params)
    else:
        fit = cluster_customers(features, **params)
    return fit, as_of_date_of(features)


def _fit_once(
    key: str, load: Callable[[], pd.DataFrame], params: Mapping[str, Any]
) -> tuple[ClusteringResult, Any]:
    """``_fit`` of the features ``load`` returns, once per distinct ``key`` in this
    process."""
    with _lock:  # dbt runs models on several threads; the second caller waits for the fit
        if key not in _memo:
            _memo.clear()  # keep one result: a 1M-customer assignment is ~50 MB
            _memo[key] = _fit(load(), params)
        return _memo[key]


def as_of_date_of(features: pd.DataFrame) -> Any:
    """The single as_of_date of the feature mart (None when it holds no customers)."""
    values = features[AS_OF_COLUMN].dropna().unique() if AS_OF_COLUMN in features else []
    if len(values) > 1:
        raise ValueError(f"{FEATURES_MODEL}: {len(values)} different as_of_date values")
    # A date, not a timestamp: pandas reads SQL dates as datetime64.
    return pd.Timestamp(values[0]).date() if len(values) else None


def empty_result(features: pd.DataFrame, params: Mapping[str, Any]) -> ClusteringResult:
    """No scored customer yet (a new shop): empty tables and a run record saying so."""
    columns = select_feature_columns(features.columns)
    assignments = pd.DataFrame(
        {
            "customer_id": pd.Series(dtype="object"),
            "cluster_id": pd.Series(dtype="int64"),
            "cluster_name": pd.Series(dtype="object"),
            "distance_to_centroid": pd.Series(dtype="float64"),
        }
    )
    profiles = pd.DataFrame(
        {
            "cluster_id": pd.Series(dtype="int64"),
            "cluster_name": pd.Series(dtype="object"),
            "customers": pd.Series(dtype="int64"),
            "share_of_customers": pd.Series(dtype="float64"),
            **{f"mean_{c}": pd.Series(dtype="float64") for c in columns},
        }
    )
    run = run_frame(
        {
            "k": 0,
            "k_chosen_by": NO_CUSTOMERS,
            "criterion_scores": "{}",
            "sample_size": 0,
            "seed": int(params.get("seed", 0) or 0),
            "features": ",".join(columns),
            "n_customers": 0,
            "duration_seconds": 0.0,
            "algorithm": "none",
        }
    )
    return ClusteringResult(assignments=assignments, profiles=profiles, run=run)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as strings and NULL-able floats as floats, so an empty or all-NULL
    column still gets a real SQL type (DuckDB types an empty object column as NULL)."""
    for column in frame.columns:
        if frame[column].dtype == object:
            if column == "silhouette":
                frame[column] = pd.to_numeric(frame[column]).astype("float64")
            else:
                frame[column] = frame[column].astype("string")
    return frame


def outputs_for(
    features: pd.DataFrame, params: Mapping[str, Any], runner: str
) -> dict[str, pd.DataFrame]:
    """The three output tables for the feature mart's rows, keyed by table name."""
    return _tables(*_fit(features, params), runner)


def outputs_for_relation(
    relation: Relation, params: Mapping[str, Any], runner: str
) -> dict[str, pd.DataFrame]:
    """``outputs_for`` the feature mart as a DuckDB relation: it is read into pandas
    only when this process has not fitted these features yet."""
    result, as_of = _fit_once(relation_key(relation, params), relation.df, params)
    return _tables(result, as_of, runner)


def _tables(result: ClusteringResult, as_of: Any, runner: str) -> dict[str, pd.DataFrame]:
    """The three output tables of a fit, with the features' as_of_date and the runner."""
    tables = {
        "customer_clusters": result.assignments,
        "cluster_profiles": result.profiles,
        "cluster_runs": result.run,
    }
    out: dict[str, pd.DataFrame] = {}
    for name, table in tables.items():
        frame = typed(table.copy())
        # Arrow date: a DATE column even when there are no rows.
        dates = pd.Series([as_of] * len(frame), index=frame.index, dtype=DATE_DTYPE)
        if name == "cluster_profiles":
            frame[AS_OF_COLUMN] = dates  # last: the SQL twin lists the mean_* columns by loop
        else:
            frame.insert(1 if name == "customer_clusters" else 0, AS_OF_COLUMN, dates)
        out[name] = frame
    out["cluster_runs"]["runner"] = runner
    return out
