"""Do the baselines agree with customer_rfm? Counts, values to the cent, scores, segments."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

RFM_COLUMNS = ("customer_id", "recency_days", "frequency", "monetary",
               "r_score", "f_score", "m_score", "rfm_segment")


@dataclass(frozen=True)
class Agreement:
    """One baseline against the mart. ``ok`` when every mismatch count is 0."""

    baseline: str
    mart_customers: int
    baseline_customers: int
    customers_only_in_one: int
    frequency_mismatches: int
    recency_mismatches: int
    monetary_off_by_a_cent_or_more: int
    mart_monetary_total: float
    baseline_monetary_total: float
    score_mismatches: int
    segment_mismatches: int

    @property
    def ok(self) -> bool:
        return (
            self.mart_customers == self.baseline_customers
            and self.customers_only_in_one == 0
            and self.frequency_mismatches == 0
            and self.recency_mismatches == 0
            and self.monetary_off_by_a_cent_or_more == 0
            and self.score_mismatches == 0
            and self.segment_mismatches == 0
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def mart_rfm(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql(
            f"select {', '.join(RFM_COLUMNS)} from marts.customer_rfm"
        ).df()


def _same(left: pd.Series, right: pd.Series) -> pd.Series:
    """Equal, or both missing (nullable integers)."""
    left, right = left.astype("Int64"), right.astype("Int64")
    return (left == right).fillna(False) | (left.isna() & right.isna())


def compare(name: str, baseline: pd.DataFrame, mart: pd.DataFrame) -> Agreement:
    baseline = baseline.loc[:, list(RFM_COLUMNS)].copy()
    merged = mart.merge(baseline, on="customer_id", how="outer", suffixes=("_mart", "_base"),
                        indicator=True)
    both = merged[merged["_merge"] == "both"]
    monetary_mart = both["monetary_mart"].astype(float)
    monetary_base = both["monetary_base"].astype(float)
    scores_off = ~(
        _same(both["r_score_mart"], both["r_score_base"])
        & _same(both["f_score_mart"], both["f_score_base"])
        & _same(both["m_score_mart"], both["m_score_base"])
    )
    return Agreement(
        baseline=name,
        mart_customers=len(mart),
        baseline_customers=len(baseline),
        customers_only_in_one=int((merged["_merge"] != "both").sum()),
        frequency_mismatches=int((~_same(both["frequency_mart"], both["frequency_base"])).sum()),
        recency_mismatches=int(
            (~_same(both["recency_days_mart"], both["recency_days_base"])).sum()
        ),
        # 1e-9: a difference of exactly one cent is one cent, whatever the float error.
        monetary_off_by_a_cent_or_more=int(
            ((monetary_mart - monetary_base).abs() + 1e-9 >= 0.01).sum()
        ),
        mart_monetary_total=round(float(mart["monetary"].astype(float).sum()), 2),
        # Each customer's monetary to the cent first, as the mart stores it.
        baseline_monetary_total=round(float(baseline["monetary"].astype(float).round(2).sum()), 2),
        score_mismatches=int(scores_off.sum()),
        segment_mismatches=int((both["rfm_segment_mart"] != both["rfm_segment_base"]).sum()),
    )
