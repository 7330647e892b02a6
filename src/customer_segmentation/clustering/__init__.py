"""Behaviour-based customer clustering.

Public API:
- ``cluster_customers(features, *, k=None, k_min=3, k_max=10, sample_size=20000, seed=42)``
  -> ``ClusteringResult(assignments, profiles, run)``;
- ``run_from_frame(features_df, params)`` -> ``(assignments, profiles, run)`` for runners;
- ``FEATURE_COLUMNS`` / ``CATEGORY_PREFIX``: the feature columns understood.

Rules live in the module docstrings: ``features`` (columns, log1p, robust scaling and
its zero-IQR fallback), ``model`` (sample, k-means, choice of k, assignment),
``core`` (determinism, stable ids, output tables), ``naming`` (vocabulary).
"""

from customer_segmentation.clustering.core import (
    ASSIGNMENT_COLUMNS,
    RUN_COLUMNS,
    ClusteringResult,
    cluster_customers,
    parse_params,
    run_frame,
    run_from_frame,
)
from customer_segmentation.clustering.features import (
    CATEGORY_PREFIX,
    FEATURE_COLUMNS,
    LOG1P_COLUMNS,
    select_feature_columns,
)
from customer_segmentation.clustering.naming import VOCABULARY

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "CATEGORY_PREFIX",
    "FEATURE_COLUMNS",
    "LOG1P_COLUMNS",
    "RUN_COLUMNS",
    "VOCABULARY",
    "ClusteringResult",
    "cluster_customers",
    "parse_params",
    "run_frame",
    "run_from_frame",
    "select_feature_columns",
]
