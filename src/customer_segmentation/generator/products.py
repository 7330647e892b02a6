"""The product catalogue, and each persona's taste over it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import formatting as fmt
from .config import (
    CATEGORIES,
    CATEGORY_PRICE,
    PERSONA_CATEGORY_WEIGHTS,
    PERSONA_NAMES,
    SUBCATEGORIES,
    TAGS,
)

N_PRODUCTS = 480
UNCATEGORISED_SHARE = 0.03

BRANDS = (
    "Northwind",
    "Acorn & Oak",
    "Bramble",
    "Lumen",
    "Kiln",
    "Fjord",
    "Marigold",
    "Pebble",
    "Hearth",
    "Juniper",
    "Saffron",
    "Willow",
    "Copperleaf",
    "Tidewater",
    "Puffin",
    "Ember",
)
ADJECTIVES = (
    "Classic",
    "Everyday",
    "Deluxe",
    "Mini",
    "Organic",
    "Vintage",
    "Nordic",
    "Soft",
    "Bright",
    "Cosy",
    "Handmade",
    "Studio",
)

# How strongly each persona leans towards expensive (>0) or cheap (<0) items.
PRICE_TASTE: dict[str, float] = {
    "loyal_high_spender": 1.2,
    "bargain_hunter": -1.5,
    "weekend_browser": -0.8,
    "b2b_bulk": -0.3,
    "gifter": 0.3,
    "lapsed_regular": -0.4,
}


@dataclass(frozen=True)
class Catalogue:
    product_ids: pa.Array
    category: np.ndarray  # index into CATEGORIES (true category, even if written as NULL)
    price_cents: np.ndarray  # list price in USD cents
    table: pa.Table
    # Row k: probability of each product for buyer group k (personas, then guests).
    taste: np.ndarray


def build_catalogue(rng: np.random.Generator) -> Catalogue:
    n = N_PRODUCTS
    category = rng.integers(0, len(CATEGORIES), n)
    median = np.array([CATEGORY_PRICE[c] for c in CATEGORIES])[category]
    price = median * rng.lognormal(0.0, 0.55, n)
    premium = price > median * 1.6
    price_cents = (np.maximum(np.round(price) - 0.01, 0.99) * 100).round().astype(np.int64)

    names: list[str] = []
    subcats: list[str] = []
    brands: list[str] = []
    tags: list[str | None] = []
    tag_draw = rng.random((n, len(TAGS)))
    brand_idx = rng.integers(0, len(BRANDS), n)
    adj_idx = rng.integers(0, len(ADJECTIVES), n)
    sub_draw = rng.integers(0, 5, n)
    for i in range(n):
        cat = CATEGORIES[category[i]]
        sub = SUBCATEGORIES[cat][sub_draw[i]]
        brand = BRANDS[brand_idx[i]]
        subcats.append(sub)
        brands.append(brand)
        names.append(f"{brand} {ADJECTIVES[adj_idx[i]]} {sub.title()} No.{i % 97 + 1}")
        chosen = [
            t
            for k, t in enumerate(TAGS)
            if (t == "premium" and premium[i])
            or (t == "kids" and cat == "toys" and tag_draw[i, k] < 0.8)
            or (t not in ("premium", "kids") and tag_draw[i, k] < 0.15)
        ]
        tags.append(";".join(chosen) or None)

    uncategorised = rng.random(n) < UNCATEGORISED_SHARE
    product_ids = fmt.ids("P", np.arange(1, n + 1), 4)
    table = pa.table(
        {
            "product_id": product_ids,
            "product_name": pa.array(names),
            "category": fmt.null_where(fmt.pick(CATEGORIES, category), uncategorised),
            "subcategory": pa.array(subcats),
            "brand": pa.array(brands),
            "tags": pa.array(tags, type=pa.string()),
            "list_price": fmt.money(price_cents),
        }
    )
    return Catalogue(product_ids, category, price_cents, table, _taste(category, price))


def _taste(category: np.ndarray, price: np.ndarray) -> np.ndarray:
    groups = [*PERSONA_NAMES, "guest"]
    rel_price = price / np.median(price)
    rows = []
    for g in groups:
        w = np.array(PERSONA_CATEGORY_WEIGHTS[g], dtype=float)[category]
        w = w * rel_price ** PRICE_TASTE.get(g, 0.0)
        rows.append(w / w.sum())
    return np.vstack(rows)
