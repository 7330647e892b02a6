"""The numbers each dashboard page shows, as plain pandas functions (tested directly).

Every function takes mart DataFrames and returns a DataFrame; the Streamlit pages
only lay them out. Filters (country, customer type, segment) apply to the
customer-level marts; pre-aggregated marts (cluster_profiles, segment_migration,
campaign_lift) are filtered where they carry the filtered column, and the page
says so where they cannot be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

# Segment types a user can group and filter by, and the mart column holding each.
SEGMENT_TYPES: dict[str, str] = {
    "rfm_segment": "RFM segment",
    "lifecycle_stage": "Lifecycle stage",
    "value_tier": "Value tier",
    "cluster_name": "Behaviour cluster",
    "occasion_persona": "Occasion persona",
}


@dataclass(frozen=True)
class Filters:
    """Sidebar selections; an empty selection means "all"."""

    countries: Sequence[str] = field(default_factory=tuple)
    customer_types: Sequence[str] = field(default_factory=tuple)
    segment_type: str = "rfm_segment"
    segments: Sequence[str] = field(default_factory=tuple)


def customer_frame(
    dim_customers: pd.DataFrame,
    customer_rfm: pd.DataFrame,
    customer_clusters: pd.DataFrame | None = None,
    customer_occasions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per customer: attributes, RFM, and the segment columns that are built.

    `net_revenue` is dim_customers' lifetime net revenue before `as_of_date`
    (doc block `net_amount`), the revenue every share on the dashboard uses.
    """
    frame = dim_customers[["customer_id", "country_code", "customer_type", "net_revenue"]].merge(
        customer_rfm[["customer_id", "recency_days", "frequency", "monetary", "r_score",
                      "f_score", "m_score", "rfm_cell", "rfm_segment"]],
        on="customer_id", how="left", validate="one_to_one",
    )
    if customer_clusters is not None:
        frame = frame.merge(customer_clusters[["customer_id", "cluster_id", "cluster_name"]],
                            on="customer_id", how="left", validate="one_to_one")
    if customer_occasions is not None:
        frame = frame.merge(customer_occasions[["customer_id", "occasion_persona"]],
                            on="customer_id", how="left", validate="one_to_one")
    return frame


def with_segments(frame: pd.DataFrame, customer_segments: pd.DataFrame | None) -> pd.DataFrame:
    """Add the segment columns only customer_segments has (lifecycle stage, value tier)."""
    if customer_segments is None:
        return frame
    extra = [c for c in SEGMENT_TYPES if c in customer_segments and c not in frame]
    if not extra:
        return frame
    return frame.merge(customer_segments[["customer_id", *extra]], on="customer_id",
                       how="left", validate="one_to_one")


def available_segment_types(frame: pd.DataFrame) -> list[str]:
    return [c for c in SEGMENT_TYPES if c in frame]


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Customers matching every non-empty selection."""
    mask = pd.Series(True, index=frame.index)
    if filters.countries:
        mask &= frame["country_code"].isin(list(filters.countries))
    if filters.customer_types:
        mask &= frame["customer_type"].isin(list(filters.customer_types))
    if filters.segments and filters.segment_type in frame:
        mask &= frame[filters.segment_type].isin(list(filters.segments))
    return frame[mask]


def segment_sizes(customers: pd.DataFrame, segment_type: str) -> pd.DataFrame:
    """Customers and net revenue per segment, with their shares of the filtered total."""
    grouped = (
        customers.assign(segment=customers[segment_type].fillna("(none)"),
                         revenue=customers["net_revenue"].astype(float).fillna(0.0))
        .groupby("segment", as_index=False)
        .agg(customers=("customer_id", "count"), revenue=("revenue", "sum"))
    )
    total_customers = grouped["customers"].sum()
    total_revenue = grouped["revenue"].sum()
    grouped["share_of_customers"] = (grouped["customers"] / total_customers
                                     if total_customers else 0.0)
    grouped["share_of_revenue"] = grouped["revenue"] / total_revenue if total_revenue else 0.0
    return grouped.sort_values(["customers", "segment"], ascending=[False, True],
                               ignore_index=True)


def rf_heatmap(customers: pd.DataFrame) -> pd.DataFrame:
    """Scored customers by R score (rows, 5 at the top) and F score (columns 1..5)."""
    scored = customers.dropna(subset=["r_score", "f_score"])
    table = pd.crosstab(scored["r_score"].astype(int), scored["f_score"].astype(int))
    return table.reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0)


def cluster_profile_table(cluster_profiles: pd.DataFrame,
                          customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cluster profiles (feature means in original units) plus customers under the filters."""
    profiles = cluster_profiles.sort_values("cluster_id", ignore_index=True)
    if customers is not None and "cluster_id" in customers:
        filtered = customers.dropna(subset=["cluster_id"]).groupby("cluster_id").size()
        profiles["filtered_customers"] = (
            profiles["cluster_id"].map(filtered).fillna(0).astype(int)
        )
    return profiles


def sankey_links(segment_migration: pd.DataFrame, segment_type: str,
                 segments: Sequence[str] = ()) -> tuple[list[str], pd.DataFrame]:
    """Node labels and (source, target, customers) links of one segment type's migration.

    Nodes are "<segment> (start)" and "<segment> (end)" so a segment that keeps
    its customers is drawn as a band, not a loop.
    """
    rows = segment_migration[segment_migration["segment_type"] == segment_type]
    if segments:
        rows = rows[rows["from_segment"].isin(segments) | rows["to_segment"].isin(segments)]
    rows = rows[rows["customers"] > 0]
    starts = [f"{s} (start)" for s in sorted(rows["from_segment"].astype(str).unique())]
    ends = [f"{s} (end)" for s in sorted(rows["to_segment"].astype(str).unique())]
    labels = starts + ends
    index = {label: i for i, label in enumerate(labels)}
    links = pd.DataFrame({
        "source": [index[f"{s} (start)"] for s in rows["from_segment"].astype(str)],
        "target": [index[f"{s} (end)"] for s in rows["to_segment"].astype(str)],
        "customers": rows["customers"].astype(int).to_numpy(),
    })
    return labels, links


def occasions_by_week(upcoming: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Upcoming occasions of the filtered customers per week (Monday) and occasion type."""
    rows = upcoming[upcoming["customer_id"].isin(customers["customer_id"])].copy()
    dates = pd.to_datetime(rows["occasion_date"])
    rows["week_start"] = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.date
    return (
        rows.groupby(["week_start", "occasion_type"], as_index=False)
        .agg(occasions=("customer_id", "count"),
             contactable=("is_contactable", "sum"))
        .sort_values(["week_start", "occasion_type"], ignore_index=True)
    )


def lift_table(campaign_lift: pd.DataFrame, segments: Sequence[str] = ()) -> pd.DataFrame:
    """Conversion lift with its 95% interval per campaign, segment and variant."""
    rows = campaign_lift
    if segments:
        rows = rows[rows["segment"].isin(list(segments)) | (rows["segment"] == "all")]
    columns = ["campaign_id", "segment", "variant", "customers", "conversion_rate",
               "control_conversion_rate", "conversion_lift", "conversion_lift_ci_lower",
               "conversion_lift_ci_upper", "revenue_per_customer_lift",
               "revenue_per_customer_lift_ci_lower", "revenue_per_customer_lift_ci_upper"]
    present = [c for c in columns if c in rows]
    return rows[present].sort_values(["campaign_id", "segment", "variant"], ignore_index=True)
