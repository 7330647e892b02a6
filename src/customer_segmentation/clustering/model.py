"""K-means on a deterministic sample, silhouette-based choice of k, full assignment.

- The fit sample is ``min(sample_size, n)`` rows drawn with ``numpy.random.default_rng(seed)``
  from the rows sorted by customer_id, so it depends only on the data and the seed.
- Samples up to ``MINIBATCH_THRESHOLD`` rows are fitted with ``KMeans`` (lloyd,
  ``n_init=KMEANS_N_INIT``), larger ones with ``MiniBatchKMeans``; always ``random_state=seed``.
- Choice of k (when not fixed): fit every k in [k_min, k_max] on the fit sample and
  keep the highest mean silhouette, computed on a fixed subsample of at most
  ``SILHOUETTE_SAMPLE`` fit-sample rows; ties go to the smaller k.
- Fits and silhouettes run single-threaded (``FIT_THREADS``): on samples this
  small, OpenMP/BLAS threads cost more than they give, and when dbt or other jobs
  share the cores they oversubscribe badly (measured on a shared 2-core box,
  100k customers: 3.7 s with one thread against 12-25 s with the default).
  Instead ``FIT_WORKERS`` values of k are fitted at once, each on one thread.
- Assignment: every customer goes to the nearest centroid (Euclidean distance in
  the scaled space; ties to the lower centroid index), computed in chunks so memory
  stays bounded whatever the number of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

KMEANS_N_INIT = 10
MINIBATCH_N_INIT = 3
MINIBATCH_BATCH_SIZE = 4096
MINIBATCH_THRESHOLD = 100_000
SILHOUETTE_SAMPLE = 5_000
ASSIGN_CHUNK_ROWS = 100_000
FIT_THREADS = 1
# k values fitted at once, in threads: each fit is single-threaded (FIT_THREADS),
# and scikit-learn's k-means and the silhouette's distances release the GIL. In the
# bench's builds nothing else runs beside the clustering (it waits for every
# feature mart, and the segment models wait for it), so the second core was idle.
FIT_WORKERS = 2

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def sample_positions(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a deterministic sample of ``min(size, n)`` out of ``n`` rows."""
    if size >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


def algorithm_name(n_fit: int) -> str:
    if n_fit > MINIBATCH_THRESHOLD:
        return f"MiniBatchKMeans(n_init={MINIBATCH_N_INIT}, batch_size={MINIBATCH_BATCH_SIZE})"
    return f"KMeans(lloyd, n_init={KMEANS_N_INIT})"


def fit_centroids(x_fit: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Centroids (k x d) and labels of the fit sample."""
    if x_fit.shape[0] > MINIBATCH_THRESHOLD:
        model: KMeans | MiniBatchKMeans = MiniBatchKMeans(
            n_clusters=k,
            n_init=MINIBATCH_N_INIT,
            batch_size=MINIBATCH_BATCH_SIZE,
            random_state=seed,
        )
    else:
        model = KMeans(n_clusters=k, n_init=KMEANS_N_INIT, algorithm="lloyd", random_state=seed)
    model.fit(x_fit)
    centroids = np.asarray(model.cluster_centers_, dtype=np.float64)
    labels, _ = nearest_centroid(x_fit, centroids)
    return centroids, labels


def silhouette(x: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean silhouette, or None when undefined (fewer than 2 or n distinct labels)."""
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(labels):
        return None
    return float(silhouette_score(x, labels))


@dataclass(frozen=True)
class KChoice:
    k: int
    chosen_by: str  # 'fixed' | 'silhouette' | 'too_few_customers' (core.py)
    silhouette: float | None
    scores: dict[int, float | None]
    centroids: np.ndarray


def choose_k(
    x_fit: np.ndarray,
    *,
    k: int | None,
    k_min: int,
    k_max: int,
    seed: int,
    log: Log = _quiet,
) -> KChoice:
    """Fit the fixed k, or every k in [k_min, k_max] and keep the best silhouette."""
    sil_pos = sample_positions(x_fit.shape[0], SILHOUETTE_SAMPLE, seed)
    x_sil = x_fit[sil_pos]
    candidates = [k] if k is not None else list(range(k_min, k_max + 1))
    scores: dict[int, float | None] = {}
    best: tuple[float, int, np.ndarray] | None = None

    def fit_and_score(kk: int) -> tuple[np.ndarray, float | None]:
        centroids, labels = fit_centroids(x_fit, kk, seed)
        return centroids, silhouette(x_sil, labels[sil_pos])

    log(f"fitting k={', '.join(map(str, candidates))} on {x_fit.shape[0]:,} customers")
    # The limit is process-wide, so it is set once around the pool (a context per
    # worker would restore the default while another worker still fits).
    with threadpool_limits(limits=FIT_THREADS), ThreadPoolExecutor(FIT_WORKERS) as pool:
        # map yields in candidate order, so the choice does not depend on timing
        for kk, (centroids, score) in zip(candidates, pool.map(fit_and_score, candidates),
                                          strict=True):
            scores[kk] = score
            log(f"k={kk}: silhouette={'n/a' if score is None else f'{score:.4f}'}")
            value = -np.inf if score is None else score
            if best is None or value > best[0]:  # strict: ties keep the smaller k
                best = (value, kk, centroids)
    assert best is not None
    chosen = best[1]
    return KChoice(
        k=chosen,
        chosen_by="fixed" if k is not None else "silhouette",
        silhouette=scores[chosen],
        scores=scores,
        centroids=best[2],
    )


def nearest_centroid(x: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid and the Euclidean distance to it, row by row."""
    n = x.shape[0]
    labels = np.empty(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.float64)
    for start in range(0, n, ASSIGN_CHUNK_ROWS):
        chunk = x[start : start + ASSIGN_CHUNK_ROWS]
        d2 = np.empty((chunk.shape[0], centroids.shape[0]), dtype=np.float64)
        for j, c in enumerate(centroids):
            d2[:, j] = np.square(chunk - c).sum(axis=1)
        best = d2.argmin(axis=1)
        labels[start : start + len(chunk)] = best
        dist[start : start + len(chunk)] = np.sqrt(d2[np.arange(len(chunk)), best])
    return labels, dist
