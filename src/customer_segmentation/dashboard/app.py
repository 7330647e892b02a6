"""Streamlit pages of the segment dashboard (entry point: dashboard/app.py).

Layout only: the numbers come from customer_segmentation.dashboard.views, the
data from the published Parquet copy of the marts (dashboard.data). A mart that
the current build did not produce shows a "not built" note instead of a page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from customer_segmentation.dashboard import views
from customer_segmentation.dashboard.data import Marts, NothingPublished, open_marts

NOT_BUILT = "not built"
# Every mart the pages read: the `segment_dashboard` exposure must depend on each
# (tests/python/test_docs_coverage.py), so lineage ends at this dashboard.
MARTS_READ = (
    "dim_customers", "customer_rfm", "customer_clusters", "customer_occasions",
    "customer_segments", "cluster_profiles", "segment_migration", "upcoming_occasions",
    "campaign_lift",
)


@st.cache_data(show_spinner=False, max_entries=64)
def _read(version_path: str, name: str) -> pd.DataFrame:
    # Keyed by the version directory: a new publish is a new key, never a stale table.
    return pd.read_parquet(Path(version_path) / f"{name}.parquet")


def table(marts: Marts, name: str) -> pd.DataFrame | None:
    """The mart from the published version, or None when that build did not produce it."""
    if name not in MARTS_READ:  # keeps the exposure's depends_on list complete
        raise KeyError(f"marts.{name} is not in MARTS_READ: add it there and to the exposure")
    return _read(str(marts.path), name) if marts.has(name) else None


def not_built(*names: str) -> None:
    missing = ", ".join(f"`marts.{n}`" for n in names)
    st.info(f"{missing} {NOT_BUILT} yet in the published version: this page appears "
            "once a build that produces it has been published.")


def require(marts: Marts, *names: str) -> bool:
    missing = [n for n in names if not marts.has(n)]
    if missing:
        not_built(*missing)
    return not missing


def _from_query(name: str, options: list[str]) -> list[str]:
    # Filters can come from the URL (?country=GB&country=FR): shareable links.
    return [value for value in st.query_params.get_all(name) if value in options]


def sidebar_filters(customers: pd.DataFrame) -> views.Filters:
    st.sidebar.header("Filters")
    country_options = sorted(customers["country_code"].dropna().astype(str).unique())
    countries = st.sidebar.multiselect("Country", country_options,
                                       default=_from_query("country", country_options))
    type_options = sorted(customers["customer_type"].dropna().astype(str).unique())
    types = st.sidebar.multiselect("Customer type", type_options,
                                   default=_from_query("customer_type", type_options))
    segment_types = views.available_segment_types(customers)
    requested = st.query_params.get("segment_type")
    segment_type = st.sidebar.selectbox(
        "Segment type", segment_types, format_func=views.SEGMENT_TYPES.get,
        index=segment_types.index(requested) if requested in segment_types else 0)
    segment_options = sorted(customers[segment_type].dropna().astype(str).unique())
    segments = st.sidebar.multiselect("Segment", segment_options,
                                      default=_from_query("segment", segment_options),
                                      key=f"segments_{segment_type}")
    return views.Filters(tuple(countries), tuple(types), segment_type, tuple(segments))


def page_segments(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Segment sizes and revenue shares")
    sizes = views.segment_sizes(customers, filters.segment_type)
    left, right = st.columns(2)
    left.metric("Customers", f"{len(customers):,}")
    right.metric("Net revenue", f"{customers['net_revenue'].astype(float).sum():,.0f}")
    long = pd.DataFrame({"segment": sizes["segment"], "customers": sizes["share_of_customers"],
                         "revenue": sizes["share_of_revenue"]})
    long = long.melt(id_vars="segment", value_vars=["customers", "revenue"],
                     var_name="share of", value_name="share")
    st.plotly_chart(px.bar(long, x="segment", y="share", color="share of", barmode="group"),
                    width="stretch")
    shown = pd.DataFrame({
        "segment": sizes["segment"],
        "customers": sizes["customers"],
        "net revenue": sizes["revenue"].map("{:,.0f}".format),
        "% customers": (sizes["share_of_customers"] * 100).map("{:.1f}".format),
        "% revenue": (sizes["share_of_revenue"] * 100).map("{:.1f}".format),
    })
    st.table(shown.set_index("segment"))


def page_rfm(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Recency by frequency")
    grid = views.rf_heatmap(customers)
    st.metric("Scored customers", f"{int(grid.to_numpy().sum()):,}")
    figure = px.imshow(grid.to_numpy(), x=[f"F{c}" for c in grid.columns],
                       y=[f"R{r}" for r in grid.index], text_auto=True,
                       color_continuous_scale="Blues", aspect="auto",
                       labels={"color": "customers"})
    st.plotly_chart(figure, width="stretch")
    st.caption("Quintile scores, 5 best (doc block rfm_scoring). Unscored prospects are left out.")


def page_clusters(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Cluster profiles")
    if not require(marts, "cluster_profiles"):
        return
    profiles = views.cluster_profile_table(table(marts, "cluster_profiles"), customers)
    st.metric("Clusters", f"{len(profiles):,}")
    st.plotly_chart(px.bar(profiles, x="cluster_name", y="customers"), width="stretch")
    st.caption("Feature means are for whole clusters; `filtered_customers` applies the filters.")
    st.table(profiles.set_index("cluster_name"))


def page_migration(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Segment migration")
    if not require(marts, "segment_migration"):
        return
    migration = table(marts, "segment_migration")
    types = sorted(migration["segment_type"].unique())
    chosen = st.selectbox("Segment type", types, key="migration_type")
    segments = filters.segments if filters.segment_type == chosen else ()
    labels, links = views.sankey_links(migration, chosen, segments)
    period = migration[migration["segment_type"] == chosen]
    if len(period):
        st.caption(f"From {period['period_start'].iloc[0]} to {period['period_end'].iloc[0]}; "
                   "country and customer-type filters do not apply (the mart is aggregated).")
    st.metric("Customers compared", f"{int(links['customers'].sum()):,}")
    figure = go.Figure(go.Sankey(node={"label": labels},
                                 link={"source": links["source"], "target": links["target"],
                                       "value": links["customers"]}))
    st.plotly_chart(figure, width="stretch")


def page_occasions(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Upcoming occasions by week")
    if not require(marts, "upcoming_occasions"):
        return
    weekly = views.occasions_by_week(table(marts, "upcoming_occasions"), customers)
    left, right = st.columns(2)
    left.metric("Upcoming occasions", f"{int(weekly['occasions'].sum()):,}")
    right.metric("Contactable", f"{int(weekly['contactable'].sum()):,}")
    st.plotly_chart(px.bar(weekly, x="week_start", y="occasions", color="occasion_type"),
                    width="stretch")
    st.table(weekly.set_index(["week_start", "occasion_type"]))


def page_lift(marts: Marts, customers: pd.DataFrame, filters: views.Filters) -> None:
    st.header("Campaign lift")
    if not require(marts, "campaign_lift"):
        return
    segments = filters.segments if filters.segment_type == "rfm_segment" else ()
    lift = views.lift_table(table(marts, "campaign_lift"), segments)
    st.metric("Campaign variants", f"{len(lift):,}")
    # Chart: whole campaigns (segment `all`) unless segments are chosen; the table has all.
    plotted = lift if segments else lift[lift["segment"] == "all"]
    if len(plotted):
        label = (plotted["campaign_id"].astype(str) + " / " + plotted["segment"] + " / "
                 + plotted["variant"].astype(str))
        figure = go.Figure(go.Scatter(
            x=plotted["conversion_lift"], y=label, mode="markers",
            error_x={"type": "data", "symmetric": False,
                     "array": plotted["conversion_lift_ci_upper"] - plotted["conversion_lift"],
                     "arrayminus": plotted["conversion_lift"]
                     - plotted["conversion_lift_ci_lower"]}))
        figure.add_vline(x=0, line_dash="dot")
        figure.update_layout(xaxis_title="conversion lift vs control (95% interval)",
                             height=max(300, 28 * len(plotted) + 120))
        st.plotly_chart(figure, width="stretch")
    st.caption("Country and customer-type filters do not apply (the mart is aggregated); "
               "the segment filter applies when the segment type is RFM segment.")
    st.table(lift.set_index(["campaign_id", "segment", "variant"]))


PAGES: list[tuple[str, str, Callable[[Marts, pd.DataFrame, views.Filters], None]]] = [
    ("segments", "Segment sizes", page_segments),
    ("rfm", "R-by-F heat map", page_rfm),
    ("clusters", "Cluster profiles", page_clusters),
    ("migration", "Segment migration", page_migration),
    ("occasions", "Upcoming occasions", page_occasions),
    ("lift", "Campaign lift", page_lift),
]


def main() -> None:
    st.set_page_config(page_title="Customer segments", layout="wide")
    try:
        marts = open_marts()
    except NothingPublished as exc:
        st.error(str(exc))
        return
    if not require(marts, "dim_customers", "customer_rfm"):
        return
    customers = views.with_segments(
        views.customer_frame(table(marts, "dim_customers"), table(marts, "customer_rfm"),
                             table(marts, "customer_clusters"),
                             table(marts, "customer_occasions")),
        table(marts, "customer_segments"),
    )
    filters = sidebar_filters(customers)
    filtered = views.apply_filters(customers, filters)
    st.sidebar.caption(f"Published {marts.published_at} ({marts.path.name})")

    def bind(render: Callable[[Marts, pd.DataFrame, views.Filters], None]) -> Callable[[], None]:
        def run() -> None:
            render(marts, filtered, filters)
        run.__name__ = render.__name__
        return run

    pages = [st.Page(bind(render), title=title, url_path=path, default=(i == 0))
             for i, (path, title, render) in enumerate(PAGES)]
    st.navigation(pages).run()
