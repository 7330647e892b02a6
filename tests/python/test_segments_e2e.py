"""Segment marts end to end: assignments, memberships, migration, holdouts, campaign lift.

Runs on the session ``warehouse`` (generated data, whole project built), one extra
build at an earlier ``as_of_date`` (a campaign's start date), and ``lift_warehouse``:
LIFT_CUSTOMERS generated customers with only ``+campaign_lift`` built. The planted-uplift
checks need it: with the session's 3,000 customers a campaign has ~150 control customers,
so a 95% interval is ~+-0.075 wide, too wide for "the planted 0.04-0.08 is inside" to
say much (and the seed-42 data set's no-effect campaign happens to land in the 1% tail:
lift -0.095, z = -2.6). At 20,000 customers the intervals are ~+-0.028; seeds 1, 2, 3
and 42 all recover every planted value and cover zero for the no-effect campaign.
Expected values come from the raw files, the generator's truth files, other models'
rules restated here, or an independent implementation (hashlib, pandas), never from
the models under test.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist

import duckdb
import pandas as pd
import pytest
from conftest import E2E_SEED, BuiltWarehouse

from customer_segmentation import pipeline
from customer_segmentation.pipeline import PROJECT_ROOT

# The segment types customer_segments promises (interface.md), restated here.
SEGMENT_TYPES = {
    "rfm_segment",
    "lifecycle_stage",
    "value_tier",
    "cluster",
    "occasion_persona",
    "age_band",
    "gender",
    "country_code",
    "continent",
    "customer_type",
    "industry",
    "employee_count_band",
    "revenue_band",
    "nps_group",
}
MIGRATION_TYPES = ("rfm_segment", "lifecycle_stage", "value_tier")
ATTRIBUTION_WINDOW = timedelta(days=14)  # dbt_project.yml var attribution_window_days
HOLDOUT_SHARE = 0.1  # dbt_project.yml var holdout_share
Z_95 = NormalDist().inv_cdf(0.975)
LIFT_CUSTOMERS = 20_000
ANALYSES = sorted((PROJECT_ROOT / "analyses").glob("*.sql"))


# ---------------------------------------------------------------------------------------------
# Assignments and memberships
# ---------------------------------------------------------------------------------------------


def test_every_customer_exactly_once_in_customer_segments(warehouse):
    segments = warehouse.frame("select customer_id from marts.customer_segments")
    known = warehouse.frame("select customer_id from marts.dim_customers")
    assert len(segments) > 0
    assert segments["customer_id"].is_unique
    assert set(segments["customer_id"]) == set(known["customer_id"])


def test_every_customer_once_per_segment_type_in_memberships(warehouse):
    memberships = warehouse.frame(
        "select customer_id, segment_type, segment_value from marts.segment_memberships"
    )
    wide = warehouse.frame("select customer_id from marts.customer_segments")
    customers = set(wide["customer_id"])
    assert set(memberships["segment_type"]) == SEGMENT_TYPES
    counts = memberships.groupby(["customer_id", "segment_type"]).size()
    assert (counts == 1).all(), counts[counts != 1].head()
    per_type = memberships.groupby("segment_type")["customer_id"].apply(set)
    for segment_type, members in per_type.items():
        assert members == customers, f"{segment_type}: customers missing or extra"
    assert memberships["segment_value"].notna().all()


def test_once_per_segment_type_test_fails_on_a_wrong_membership(warehouse: BuiltWarehouse,
                                                                tmp_path: Path):
    """The dbt test assert_every_customer_once_per_segment_type, on a copy of the
    memberships with one customer's membership deleted and another's type renamed
    (the second still has 14 memberships of 14 distinct types, which the test passed
    before): it returns both customers."""
    copy = warehouse.copy_to(tmp_path)
    test_name = "assert_every_customer_once_per_segment_type"
    assert copy.data_test_result(test_name) == "PASS"
    first, second = (row[0] for row in copy.query(
        "select customer_id from marts.customer_segments order by customer_id limit 2"))
    types = len(SEGMENT_TYPES)
    # marts.segment_memberships is a view over this table
    with duckdb.connect(str(copy.database)) as con:
        con.execute("delete from intermediate.int_segment_memberships "
                    "where customer_id = ? and segment_type = 'gender'", [first])
        con.execute("update intermediate.int_segment_memberships set segment_type = 'not_a_type' "
                    "where customer_id = ? and segment_type = 'gender'", [second])
    assert copy.data_test_result(test_name) == "FAIL 2"
    assert copy.data_test_failures(test_name) == {
        (first, types - 1, types - 1), (second, types, types - 1)}


def test_memberships_match_the_wide_assignments(warehouse):
    wide = warehouse.frame("select * from marts.customer_segments").set_index("customer_id")
    long = warehouse.frame("select * from marts.segment_memberships")
    pivot = long.pivot(index="customer_id", columns="segment_type", values="segment_value")
    expected_cluster = wide["cluster_name"].fillna("unclustered")
    assert pivot["cluster"].reindex(wide.index).equals(expected_cluster.rename("cluster"))
    for column in SEGMENT_TYPES - {"cluster"}:
        assert pivot[column].reindex(wide.index).equals(wide[column].astype(str)), column


def test_unpivot_segment_types_selects_named_types_and_rejects_unknown_ones(warehouse):
    """The plays unpivot only the playbook types (macro unpivot_segment_types); a
    type that segment_types() lacks is a compile error naming it, not a silent gap."""
    some = warehouse.dbt("compile", "--inline",
                         "{{ unpivot_segment_types('assignments', ['value_tier', 'gender']) }}")
    assert "'value_tier' as segment_type" in some and "'gender' as segment_type" in some
    assert "'rfm_segment' as segment_type" not in some
    unknown = warehouse.dbt("compile", "--inline",
                            "{{ unpivot_segment_types('assignments', ['gender', 'shoe_size']) }}",
                            check=False)
    assert "unpivot_segment_types: not segment types: ['shoe_size']" in unknown, unknown[-1500:]


def test_every_customer_gets_a_play_by_precedence(warehouse):
    """The lowest priority wins; ties go to the earlier type (restated from the docs)."""
    playbook = pd.read_csv(PROJECT_ROOT / "seeds" / "segment_playbook.csv")
    order = ["lifecycle_stage", "rfm_segment", "value_tier", "occasion_persona"]
    segments = warehouse.frame("select * from marts.customer_segments")
    assert segments["recommended_play_id"].notna().all()
    rows = playbook.set_index(["segment_type", "segment_value"])
    for record in segments.sample(n=min(300, len(segments)), random_state=1).itertuples():
        candidates = [
            (rows.loc[(t, getattr(record, t)), "priority"], order.index(t), t) for t in order
        ]
        _, _, winner_type = min(candidates)
        winner = rows.loc[(winner_type, getattr(record, winner_type))]
        assert record.recommended_by_segment_type == winner_type, record.customer_id
        assert record.recommended_play_id == winner["play_id"], record.customer_id
        assert record.recommended_action == winner["action"], record.customer_id


def test_segment_summary_shares_add_up(warehouse):
    summary = warehouse.frame("select * from marts.segment_summary")
    customers = warehouse.query("select count(*) from marts.customer_segments")[0][0]
    for segment_type, group in summary.groupby("segment_type"):
        assert group["customers"].sum() == customers, segment_type
        assert group["share_of_customers"].sum() == pytest.approx(1.0), segment_type


def test_snapshot_holds_one_current_version_per_customer(warehouse):
    rows = warehouse.frame(
        "select customer_id, dbt_valid_to from snapshots.customer_segments_snapshot"
    )
    customers = warehouse.query("select count(*) from marts.customer_segments")[0][0]
    current = rows[rows["dbt_valid_to"].isna()]
    assert len(current) == customers and current["customer_id"].is_unique


# ---------------------------------------------------------------------------------------------
# Migration
# ---------------------------------------------------------------------------------------------


def test_migration_counts_add_up(warehouse):
    migration = warehouse.frame("select * from marts.segment_migration")
    start = warehouse.frame("select * from intermediate.int_customer_status__previous")
    end = warehouse.frame("select * from intermediate.int_customer_status__current")
    (as_of,) = warehouse.query("select as_of_date from intermediate.int_as_of_date")[0]
    assert set(migration["period_end"].dt.date) == {as_of}
    assert set(migration["period_start"].dt.date) == {as_of - timedelta(days=90)}
    assert set(start["customer_id"]) <= set(end["customer_id"]), "a customer disappeared"

    for segment_type in MIGRATION_TYPES:
        rows = migration[migration["segment_type"] == segment_type]
        moved = rows[rows["from_segment"] != rows["to_segment"]]
        # Customers leaving earlier segments = customers arriving in later ones.
        assert moved["customers"].sum() > 0, segment_type
        leaving = moved.groupby("from_segment")["customers"].sum()
        arriving = moved.groupby("to_segment")["customers"].sum()
        assert leaving.sum() == arriving.sum(), segment_type

        start_sizes = start[segment_type].value_counts()
        end_sizes = end[segment_type].value_counts()
        newcomers = rows[rows["from_segment"] == "not_yet_known"]
        assert newcomers["customers"].sum() == len(end) - len(start), segment_type
        for segment in set(start_sizes.index) | set(end_sizes.index):
            before = int(start_sizes.get(segment, 0))
            after = int(end_sizes.get(segment, 0))
            net = int(arriving.get(segment, 0)) - int(leaving.get(segment, 0))
            assert before + net == after, (segment_type, segment, before, net, after)

        # The pairs themselves, re-derived with pandas.
        pairs = end[["customer_id", segment_type]].merge(
            start[["customer_id", segment_type]], on="customer_id", how="left",
            suffixes=("_to", "_from"),
        )
        pairs[f"{segment_type}_from"] = pairs[f"{segment_type}_from"].fillna("not_yet_known")
        expected = pairs.groupby([f"{segment_type}_from", f"{segment_type}_to"]).size()
        actual = rows.set_index(["from_segment", "to_segment"])["customers"]
        assert expected.sort_index().tolist() == actual.sort_index().tolist(), segment_type
        assert list(expected.sort_index().index) == list(actual.sort_index().index), segment_type


# ---------------------------------------------------------------------------------------------
# Campaign lift
# ---------------------------------------------------------------------------------------------


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, format="mixed").dt.tz_localize(None)


@pytest.fixture(scope="module")
def lift_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """LIFT_CUSTOMERS customers (seed E2E_SEED); only campaign_lift and its parents built."""
    raw_dir = tmp_path_factory.mktemp("raw_lift")
    pipeline.generate(raw_dir, customers=LIFT_CUSTOMERS, seed=E2E_SEED)
    workdir = tmp_path_factory.mktemp("wh_lift")
    database = workdir / "warehouse.duckdb"
    env = pipeline.dbt_env(database, extra={"DBT_LOG_PATH": str(workdir / "logs")})
    pipeline.load(raw_dir, env)
    built = BuiltWarehouse(raw_dir, database, workdir / "target", env)
    # The session build runs every dbt test; this one only needs the mart.
    built.build_log = built.dbt("build", "--select", "+campaign_lift",
                                "--exclude-resource-type", "test", "unit_test")
    return built


@pytest.fixture(scope="module")
def lift(lift_warehouse) -> pd.DataFrame:
    return lift_warehouse.frame("select * from marts.campaign_lift where segment = 'all'")


@pytest.fixture(scope="module")
def planted(lift_warehouse) -> dict[str, float]:
    truth = pd.read_csv(lift_warehouse.raw_dir / "truth" / "campaigns.csv")
    return dict(zip(truth["campaign_id"], truth["planted_conversion_uplift"], strict=True))


def test_lift_matches_an_independent_computation(warehouse):
    """Conversions re-derived from the raw send file and fct_orders; Wald CI in Python."""
    lift = warehouse.frame("select * from marts.campaign_lift where segment = 'all'")
    (as_of,) = warehouse.query("select as_of_date from intermediate.int_as_of_date")[0]
    as_of_ts = pd.Timestamp(as_of)
    sends = pd.read_csv(warehouse.raw_dir / "campaign_sends.csv", dtype=str, keep_default_na=False)
    sends["sent_at"] = _utc(sends["sent_at"])
    sends = sends[sends["sent_at"] < as_of_ts]
    sends = sends.sort_values(["sent_at", "send_id"])
    sends = sends.drop_duplicates(["campaign_id", "customer_id"])
    orders = warehouse.frame(
        "select customer_id, ordered_at, net_amount from marts.fct_orders "
        "where is_qualifying and customer_id is not null"
    )
    joined = sends.merge(orders, on="customer_id", how="left")
    in_window = (
        (joined["ordered_at"] > joined["sent_at"])
        & (joined["ordered_at"] <= joined["sent_at"] + ATTRIBUTION_WINDOW)
        & (joined["ordered_at"] < as_of_ts)
    )
    joined["converted"] = in_window
    converted = joined.groupby(["campaign_id", "customer_id", "variant"])["converted"].any()
    per_send = converted.reset_index()
    per_send["variant"] = per_send["variant"].str.strip().str.lower()

    assert len(lift) > 0
    for row in lift.itertuples():
        mine = per_send[per_send["campaign_id"] == row.campaign_id]
        treated = mine[mine["variant"] == row.variant]["converted"]
        control = mine[mine["variant"] == "control"]["converted"]
        assert row.customers == len(treated), row
        assert row.conversions == int(treated.sum()), row
        assert row.control_customers == len(control), row
        assert row.control_conversions == int(control.sum()), row
        p_t, p_c = treated.mean(), control.mean()
        se = (p_t * (1 - p_t) / len(treated) + p_c * (1 - p_c) / len(control)) ** 0.5
        assert row.conversion_lift == pytest.approx(p_t - p_c, abs=1e-12)
        assert row.conversion_lift_ci_lower == pytest.approx(p_t - p_c - Z_95 * se, abs=1e-12)
        assert row.conversion_lift_ci_upper == pytest.approx(p_t - p_c + Z_95 * se, abs=1e-12)


def test_planted_uplift_recovered_within_its_interval(lift, planted):
    effective = {c: u for c, u in planted.items() if u > 0}
    assert effective, "the generator planted no uplift"
    for campaign_id, uplift in effective.items():
        rows = lift[lift["campaign_id"] == campaign_id]
        assert len(rows) >= 1, campaign_id
        for row in rows.itertuples():
            assert row.is_window_complete, row
            assert row.conversion_lift_ci_lower <= uplift <= row.conversion_lift_ci_upper, (
                f"{campaign_id} variant {row.variant}: planted {uplift} outside "
                f"[{row.conversion_lift_ci_lower:.4f}, {row.conversion_lift_ci_upper:.4f}]"
            )
    # Pooled over the campaigns the interval is far narrower: the estimates must not
    # just be noise that happens to cover the planted values.
    treated = lift[lift["campaign_id"].isin(effective)]
    weights = treated["customers"]
    pooled = (treated["conversion_lift"] * weights).sum() / weights.sum()
    expected = sum(effective[c] * w for c, w in zip(treated["campaign_id"], weights, strict=True))
    assert pooled > 0
    # ~3 standard errors of the pooled estimate at LIFT_CUSTOMERS customers.
    assert pooled == pytest.approx(expected / weights.sum(), abs=0.02)


def test_no_effect_campaign_interval_includes_zero(lift, planted):
    null_campaigns = [c for c, u in planted.items() if u == 0]
    assert null_campaigns, "the generator has no campaign without effect"
    for campaign_id in null_campaigns:
        rows = lift[lift["campaign_id"] == campaign_id]
        assert len(rows) >= 1, campaign_id
        for row in rows.itertuples():
            assert row.conversion_lift_ci_lower <= 0 <= row.conversion_lift_ci_upper, row


# ---------------------------------------------------------------------------------------------
# Holdouts, and segments at send time, across builds at different as_of_dates
# ---------------------------------------------------------------------------------------------


def _expected_bucket(customer_id: str, campaign_id: str) -> float:
    digest = hashlib.md5(f"{customer_id}|{campaign_id}".encode(), usedforsecurity=False)
    return int(digest.hexdigest()[:8], 16) / 2**32


@pytest.fixture(scope="module")
def earlier_build(warehouse, warehouse_factory):
    """The same raw data built at the start date of the fourth campaign."""
    (start,) = warehouse.query(
        "select min(campaign_start_date) from marts.campaign_outcomes where campaign_id = 'CMP004'"
    )[0]
    assert isinstance(start, date)
    return start, warehouse_factory(warehouse.raw_dir, {"as_of_date": start.isoformat()})


def _audience(built) -> pd.DataFrame:
    frame = built.frame(
        "select campaign_id, customer_id, holdout_bucket, is_holdout from marts.campaign_audience"
    )
    return frame.sort_values(["campaign_id", "customer_id"]).reset_index(drop=True)


def test_holdout_is_the_documented_hash(warehouse):
    audience = _audience(warehouse)
    assert len(audience) > 100
    expected = [
        _expected_bucket(c, k)
        for c, k in zip(audience["customer_id"], audience["campaign_id"], strict=True)
    ]
    assert audience["holdout_bucket"].tolist() == pytest.approx(expected, abs=1e-12)
    assert (audience["is_holdout"] == (audience["holdout_bucket"] < HOLDOUT_SHARE)).all()
    share = audience["is_holdout"].mean()
    sigma = (HOLDOUT_SHARE * (1 - HOLDOUT_SHARE) / len(audience)) ** 0.5
    assert abs(share - HOLDOUT_SHARE) < 4 * sigma, share


def test_holdout_groups_identical_across_builds_and_dates(warehouse, earlier_build):
    _, earlier = earlier_build
    later, before = _audience(warehouse), _audience(earlier)
    assert set(before["is_holdout"]) == {True, False}
    both = later.merge(before, on=["campaign_id", "customer_id"], suffixes=("_later", "_earlier"))
    assert len(both) >= 50, "too few customers in the same play at both dates to compare"
    assert (both["is_holdout_later"] == both["is_holdout_earlier"]).all()
    assert (both["holdout_bucket_later"] == both["holdout_bucket_earlier"]).all()

    # Rebuilding the mart from the same inputs gives the same table.
    earlier.dbt("run", "--select", "campaign_audience", "--vars", json.dumps(earlier.vars))
    assert _audience(earlier).equals(before)


def test_segment_at_send_equals_rfm_segment_built_at_that_date(warehouse, earlier_build):
    start, earlier = earlier_build
    at_send = warehouse.frame(
        "select customer_id, rfm_segment_at_send from marts.campaign_outcomes "
        "where campaign_id = 'CMP004'"
    )
    rfm = earlier.frame("select customer_id, rfm_segment from marts.customer_rfm")
    both = at_send.merge(rfm, on="customer_id", how="left")
    # A customer sent with no order and no profile before the date is a prospect.
    both["rfm_segment"] = both["rfm_segment"].fillna("prospect")
    assert len(both) > 100
    mismatched = both[both["rfm_segment_at_send"] != both["rfm_segment"]]
    assert mismatched.empty, f"{len(mismatched)} differ at {start}:\n{mismatched.head()}"


# ---------------------------------------------------------------------------------------------
# Example BI queries
# ---------------------------------------------------------------------------------------------


def test_there_are_example_bi_queries():
    assert len(ANALYSES) >= 3


@pytest.fixture(scope="module")
def compiled_analyses(warehouse) -> Path:
    warehouse.dbt("compile", "--select", "resource_type:analysis")
    return warehouse.target_path / "compiled" / "customer_segmentation" / "analyses"


@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda p: p.stem)
def test_example_bi_query_compiles_and_runs(warehouse, compiled_analyses, analysis):
    sql = (compiled_analyses / analysis.name).read_text()
    assert "{{" not in sql and "ref(" not in sql
    rows = warehouse.query(sql)
    assert rows, f"{analysis.name} returned no rows on the generated data"
