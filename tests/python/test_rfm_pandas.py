"""customer_rfm against the independent plain-pandas reference.

The reference (customer_segmentation.rfm_reference, shared with the benchmark's
pandas baseline) reuses no project SQL: it reads the raw files as text, parses
timestamps (offsets to UTC), converts with the latest rate on or before the
order's UTC date and applies the documented scoring formula.
"""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.rfm_reference import pandas_rfm, pandas_scores


@pytest.fixture(scope="module")
def comparison(warehouse):
    expected, as_of = pandas_rfm(warehouse.raw_dir)
    expected = pandas_scores(expected)
    actual = warehouse.frame(
        "select customer_id, as_of_date, recency_days, frequency, "
        "cast(monetary as double) as monetary, r_score, f_score, m_score, rfm_segment "
        "from marts.customer_rfm"
    )
    return expected, actual, as_of


def test_as_of_date_is_day_after_latest_order(comparison):
    _, actual, as_of = comparison
    assert set(pd.to_datetime(actual["as_of_date"])) == {as_of}


def test_same_customers(comparison):
    expected, actual, _ = comparison
    assert set(expected["customer_id"]) == set(actual["customer_id"])
    assert actual["customer_id"].is_unique


def test_values_match_pandas(comparison):
    expected, actual, _ = comparison
    merged = expected.merge(actual, on="customer_id", suffixes=("_pd", "_dbt"))
    assert len(merged) == len(expected)
    assert (merged["frequency_pd"] == merged["frequency_dbt"]).all()
    recency_pd = merged["recency_days_pd"].astype("Int64")
    recency_dbt = merged["recency_days_dbt"].astype("Int64")
    same_recency = (recency_pd == recency_dbt).fillna(False) | (
        recency_pd.isna() & recency_dbt.isna()
    )
    off = merged.loc[~same_recency, ["customer_id", "recency_days_pd", "recency_days_dbt"]]
    assert off.empty, off.head()
    # To the cent: the warehouse rounds each converted line to 4 decimals before
    # summing, so a sum on a half cent may round the other way (never more).
    diff = (merged["monetary_pd"] - merged["monetary_dbt"]).abs()
    off = merged.loc[diff >= 0.01, ["customer_id", "monetary_pd", "monetary_dbt"]]
    assert off.empty, off.head()
    assert merged["frequency_pd"].gt(0).sum() > 100


def test_scores_and_segments_match_pandas(comparison):
    expected, actual, _ = comparison
    merged = expected.merge(actual, on="customer_id", suffixes=("_pd", "_dbt"))
    for column in ["r_score", "f_score", "m_score"]:
        left = merged[f"{column}_pd"].astype("Int64")
        right = merged[f"{column}_dbt"].astype("Int64")
        same = (left == right).fillna(False) | (left.isna() & right.isna())
        assert same.all(), (column, merged.loc[~same].head())
    assert (merged["rfm_segment_pd"] == merged["rfm_segment_dbt"]).all()


def test_planted_personas_land_in_expected_segments(warehouse, comparison):
    _, actual, _ = comparison
    personas = pd.read_csv(warehouse.raw_dir / "truth" / "customer_personas.csv")
    joined = personas.merge(actual, on="customer_id", how="inner")
    table = pd.crosstab(joined["persona"], joined["rfm_segment"], margins=True)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print("\npersona x rfm_segment\n", table)

    def share(persona: str, segments: set[str]) -> float:
        rows = joined[joined["persona"] == persona]
        assert len(rows) > 20, persona
        return rows["rfm_segment"].isin(segments).mean()

    assert share("lapsed_regular", {"at_risk", "cant_lose_them", "hibernating"}) > 0.6
    assert share("loyal_high_spender", {"champions", "loyal"}) > 0.6
    assert (
        share(
            "one_and_done",
            {"lost", "hibernating", "about_to_sleep", "promising", "new", "prospect"},
        )
        > 0.6
    )
