"""Readable, unique cluster names from what stands out against the population.

For every feature, the deviation of a cluster is the z-score of its mean in model
space (after log1p, before or after scaling: z is scale-invariant):
``z = (cluster mean - population mean) / population std`` (0 when the std is 0).

A feature *stands out* when ``|z| >= Z_MIN`` and the vocabulary has a word for
that direction. Taking standing-out features by ``|z|`` descending (ties by
feature name), a name gets up to ``MAX_TERMS`` terms: at most one head noun
(``NOUN`` entries), the rest adjectives; adjectives are written in the fixed
``order`` of the vocabulary (value, recency, frequency, b2b, basket, timing,
channel, category, price), then the noun ("buyers" by default).
Nothing standing out gives ``GENERIC_NAME``.

Vocabulary (feature: high / low):
- monetary: high-value / low-value
- avg_order_value: big-ticket / small-ticket
- recency_days: lapsed / recent
- frequency: frequent / occasional ("one-time" when the cluster's mean frequency <= 1.5)
- is_business: b2b / -
- avg_items_per_order: bulk / single-item
- weekend_order_share: weekend / weekday
- holiday_order_share: holiday / -
- birthday_order_share: birthday / -
- channel_<x>_share: <x> (web, app, store, phone, marketplace) / -
- category_share_<x>: <x> with '_' -> '-' / -
- promo_order_share: promo / full-price
- gift_order_share: noun "gifters" / -
- return_rate: noun "returners" / -

Uniqueness: clusters sharing a name each get " (<word>)" appended: the word of
the feature (category shares included) that most separates the cluster from its
same-named siblings (its z minus the siblings' mean z, largest absolute value,
any size, a word neither in the name nor given to a lower-id sibling); if
names still collide, " #<cluster_id>" is appended to the colliding ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from customer_segmentation.clustering.features import CATEGORY_PREFIX

Z_MIN = 0.5
MAX_TERMS = 3
DEFAULT_NOUN = "buyers"
GENERIC_NAME = "mainstream buyers"
ONE_TIME_MAX_FREQUENCY = 1.5
ADJ = "adj"
NOUN = "noun"


@dataclass(frozen=True)
class Word:
    high: str | None
    low: str | None
    kind: str = ADJ
    order: int = 50


VOCABULARY: dict[str, Word] = {
    "monetary": Word("high-value", "low-value", order=10),
    "avg_order_value": Word("big-ticket", "small-ticket", order=11),
    "recency_days": Word("lapsed", "recent", order=20),
    "frequency": Word("frequent", "occasional", order=30),
    "is_business": Word("b2b", None, order=35),
    "avg_items_per_order": Word("bulk", "single-item", order=40),
    "weekend_order_share": Word("weekend", "weekday", order=50),
    "holiday_order_share": Word("holiday", None, order=51),
    "birthday_order_share": Word("birthday", None, order=52),
    "channel_web_share": Word("web", None, order=60),
    "channel_app_share": Word("app", None, order=61),
    "channel_store_share": Word("store", None, order=62),
    "channel_phone_share": Word("phone", None, order=63),
    "channel_marketplace_share": Word("marketplace", None, order=64),
    "promo_order_share": Word("promo", "full-price", order=80),
    "gift_order_share": Word("gifters", None, kind=NOUN),
    "return_rate": Word("returners", None, kind=NOUN),
}
CATEGORY_ORDER = 70


def word_for(feature: str) -> Word | None:
    """Vocabulary entry of a feature (category shares are generated)."""
    if feature.startswith(CATEGORY_PREFIX):
        label = feature.removeprefix(CATEGORY_PREFIX).replace("_", "-")
        return Word(label, None, order=CATEGORY_ORDER)
    return VOCABULARY.get(feature)


def _term(feature: str, z: float, mean_frequency: float | None) -> tuple[str, str, int] | None:
    """(text, kind, order) for a deviation, or None when the vocabulary has no word."""
    word = word_for(feature)
    if word is None or z == 0:
        return None
    text = word.high if z > 0 else word.low
    if text is None:
        return None
    if feature == "frequency" and z < 0 and mean_frequency is not None:
        text = "one-time" if mean_frequency <= ONE_TIME_MAX_FREQUENCY else text
    return text, word.kind, word.order


def _ranked(z: dict[str, float]) -> list[str]:
    return sorted(z, key=lambda f: (-abs(z[f]), f))


def compose_name(z: dict[str, float], mean_frequency: float | None = None) -> tuple[str, set[str]]:
    """Name of one cluster and the features it used."""
    adjectives: list[tuple[int, str]] = []
    noun: str | None = None
    used: set[str] = set()
    for feature in _ranked(z):
        if abs(z[feature]) < Z_MIN or len(used) >= MAX_TERMS:
            break
        term = _term(feature, z[feature], mean_frequency)
        if term is None:
            continue
        text, kind, order = term
        if kind == NOUN:
            if noun is not None:
                continue
            noun = text
        else:
            adjectives.append((order, text))
        used.add(feature)
    if not used:
        return GENERIC_NAME, used
    words = [text for _, text in sorted(adjectives)] + [noun or DEFAULT_NOUN]
    return " ".join(words), used


def _disambiguator(
    z: dict[str, float], siblings: list[dict[str, float]], used: set[str], taken: set[str],
    mean_frequency: float | None,
) -> str | None:
    """Word of the strongest deviation of a cluster from its same-named siblings."""
    relative = {f: z[f] - float(np.mean([s.get(f, 0.0) for s in siblings])) for f in z}
    for feature in _ranked(relative):
        if feature in used:
            continue
        term = _term(feature, relative[feature], mean_frequency)
        if term is not None and term[0] not in taken:
            return term[0]
    return None


def cluster_names(
    z_by_cluster: dict[int, dict[str, float]],
    mean_frequency: dict[int, float] | None = None,
) -> dict[int, str]:
    """Unique name per cluster id from its feature z-scores."""
    freq = mean_frequency or {}
    names: dict[int, str] = {}
    used: dict[int, set[str]] = {}
    for cid, z in z_by_cluster.items():
        names[cid], used[cid] = compose_name(z, freq.get(cid))
    first = dict(names)
    extras: dict[str, set[str]] = {}  # words already given to same-named siblings
    for cid in _colliding(first):
        siblings = [z_by_cluster[o] for o in first if first[o] == first[cid]]
        taken = set(first[cid].split()) | extras.setdefault(first[cid], set())
        extra = _disambiguator(z_by_cluster[cid], siblings, used[cid], taken, freq.get(cid))
        if extra is not None:
            extras[first[cid]].add(extra)
            names[cid] = f"{first[cid]} ({extra})"
    for cid in _colliding(names):
        names[cid] = f"{names[cid]} #{cid}"
    return names


def _colliding(names: dict[int, str]) -> list[int]:
    values = list(names.values())
    return sorted(cid for cid, name in names.items() if values.count(name) > 1)


def z_scores(
    x: np.ndarray, labels: np.ndarray, k: int, columns: list[str]
) -> dict[int, dict[str, float]]:
    """Per cluster (0-based label), z-score of each feature's mean against the population."""
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    pop_mean = x.mean(axis=0)
    pop_std = x.std(axis=0)
    out: dict[int, dict[str, float]] = {c: {} for c in range(k)}
    for j, col in enumerate(columns):
        sums = np.bincount(labels, weights=x[:, j], minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        for c in range(k):
            ok = pop_std[j] > 0 and counts[c] > 0
            out[c][col] = float((means[c] - pop_mean[j]) / pop_std[j]) if ok else 0.0
    return out
