"""Each of the project's own data tests fails on the fault it is written to catch.

The singular tests (tests/dbt) and one instance of each generic test of ours
(macros/tests) that no other pytest breaks. The session build passes them all
(the two segment-size tests warn, by design, about sizes of the data). On one
copy of its warehouse a fault per test is written into the tables that test
reads, each where no other test of the list looks (the three RFM tests share
customer_rfm: the faults are on monetary, frequency and recency, each chosen to
break one rule only). One `dbt test` then runs the list: every test with a fault
must fail (or warn) with exactly the rows of its fault, computed here from the
data, not by the test, and every other test of the selection must pass.
Tested elsewhere: assert_every_customer_once_per_segment_type
(test_segments_e2e.py), rows_reconcile (test_incremental_staging.py),
unique_combination_of_columns and where_subquery (test_incremental.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import duckdb
import pytest
import yaml
from conftest import BuiltWarehouse

from customer_segmentation import PROJECT_ROOT

SINGULAR_TESTS = (
    "assert_fct_orders_reconcile_to_clean_order_items",
    "assert_raw_customers_reach_dim_customers",
    "assert_equal_values_equal_scores",
    "assert_rfm_scores_monotonic",
    "assert_rfm_quintiles_balanced",
    "assert_rfm_segment_map_covers_all_cells",
    "assert_playbook_covers_segment_values",
    "assert_segment_migration_adds_up",
)
# Generic tests of ours, by (test, model, column): dbt selectors for each
# test's instances (the others of a selection must pass).
GENERIC_SELECTORS = (
    "test_name:accepted_range,int_customer_occasion_shares",
    "test_name:consecutive_from_one",
    "test_name:sum_equals_row_count",
    "test_name:equals_row_count",
    "test_name:segment_min_customers",
    "test_name:segment_max_share",
)
# A recency no customer has: the fault's customer is then alone with its value.
UNSEEN_RECENCY_DAYS = 1_000_000
SIZE_TYPES = ("rfm_segment", "lifecycle_stage", "value_tier", "cluster", "occasion_persona")


def test_every_singular_test_passed_in_the_session_build(warehouse: BuiltWarehouse):
    for name in SINGULAR_TESTS:
        assert re.search(rf"\bPASS {name}\b", warehouse.build_log), name


@pytest.fixture(scope="module")
def faulty(warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory):
    """The copy with every fault written, the faults' expected rows per test, each
    selected test's reported result by node name, dbt's output, and the test nodes."""
    copy = warehouse.copy_to(tmp_path_factory.mktemp("data_test_faults"))
    with duckdb.connect(str(copy.database)) as con:
        faults = write_faults(con)
    output = copy.dbt("test", "-s", *SINGULAR_TESTS, *GENERIC_SELECTORS, check=False)
    reported = dict((name, result) for result, name in re.findall(
        r"\d+ of \d+ (PASS|FAIL \d+|WARN \d+|ERROR) (\w+)", output))
    return copy, faults, reported, output, data_test_nodes(copy)


def data_test_nodes(warehouse: BuiltWarehouse) -> dict[Any, tuple[str, str]]:
    """Per test (its name, or (test, model, column) for a generic test): the node's
    name and the stem of its compiled file (dbt hashes the file name of a long one)."""
    manifest = json.loads((warehouse.target_path / "manifest.json").read_text())
    nodes = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        key = node["name"]
        if node.get("test_metadata"):
            key = (node["test_metadata"]["name"], (node["attached_node"] or "").split(".")[-1],
                   node.get("column_name"))
        nodes[key] = (node["name"], node["path"].rsplit("/", 1)[-1].removesuffix(".sql"))
    return nodes


def write_faults(con: duckdb.DuckDBPyConnection) -> dict[Any, set[tuple]]:
    """Write the faults; per test (a name, or (test, model, column) for a generic
    test), its expected failing rows (as PROJECTIONS shows them)."""

    def one(sql: str, params: list | None = None) -> tuple:
        [row] = con.execute(sql, params or []).fetchall()
        return row

    expected: dict[Any, set[tuple]] = {}

    # fct_orders: one order missing, one order's net amount two cents off
    lost_order, lost_lines = one(
        "select order_id, line_count from marts.fct_orders order by order_id limit 1")
    changed_order, lines, amount = one(
        "select order_id, line_count, net_amount from marts.fct_orders "
        "where order_id > ? order by order_id limit 1", [lost_order])
    con.execute("delete from marts.fct_orders where order_id = ?", [lost_order])
    con.execute("update marts.fct_orders set net_amount = net_amount + 0.02 where order_id = ?",
                [changed_order])
    expected["assert_fct_orders_reconcile_to_clean_order_items"] = {
        (lost_order, lost_lines, None, None),
        (changed_order, lines, lines, amount + Decimal("0.02")),
    }

    # dim_customers: a customer with a clean profile missing
    (lost_customer,) = one("select min(customer_id) from marts.dim_customers")
    con.execute("delete from marts.dim_customers where customer_id = ?", [lost_customer])
    expected["assert_raw_customers_reach_dim_customers"] = {(lost_customer, "missing")}

    # monetary (first: the faults below keep their rows): every customer of M score
    # 1 gone. The rule, counted here: each score within n/5 +- (1 + customers
    # sharing a monetary value with someone).
    con.execute("delete from marts.customer_rfm where m_score = 1")
    scored = con.execute("select m_score, monetary from marts.customer_rfm "
                         "where m_score is not null").fetchall()
    per_value = Counter(monetary for _, monetary in scored)
    tied = sum(count for count in per_value.values() if count > 1)
    per_score = Counter(score for score, _ in scored)
    expected["assert_rfm_quintiles_balanced"] = {
        (score, per_score[score], len(scored), tied) for score in range(1, 6)
        if abs(per_score[score] - len(scored) / 5) > 1 + tied}
    assert (1, 0, len(scored), tied) in expected["assert_rfm_quintiles_balanced"]

    # frequency: one customer at the top value of an F score, shared with others
    # of that score, moved to the next score. Equal values, two scores; the order
    # of values still holds (the next score's worst value is now that value).
    frequency, customer = one("""
        with tops as (
            select f_score, max(frequency) as frequency from marts.customer_rfm
            where f_score < 5 group by f_score
        )
        select rfm.frequency, min(rfm.customer_id)
        from marts.customer_rfm as rfm
        inner join tops on rfm.f_score = tops.f_score and rfm.frequency = tops.frequency
        group by rfm.frequency, rfm.f_score
        having count(*) > 1
        order by rfm.f_score
        limit 1""")
    con.execute("update marts.customer_rfm set f_score = f_score + 1 where customer_id = ?",
                [customer])
    expected["assert_equal_values_equal_scores"] = {("frequency", frequency, 2)}

    # recency: a customer of R score 5 (most recent) given a recency worse than
    # anyone's; a value of its own, so no equal-values fault
    (recent,) = one("select min(customer_id) from marts.customer_rfm "
                    "where r_score = 5 and customer_id != ?", [customer])
    (best_of_lower,) = one("select -min(recency_days) from marts.customer_rfm "
                           "where r_score < 5")
    con.execute("update marts.customer_rfm set recency_days = ? where customer_id = ?",
                [UNSEEN_RECENCY_DAYS, recent])
    expected["assert_rfm_scores_monotonic"] = {
        ("recency", 5, -UNSEEN_RECENCY_DAYS, best_of_lower)}

    # rfm_segment_map: cell (1, 1, 1) unmapped, cell (5, 5, 5) mapped to an unknown label
    con.execute("delete from reference.rfm_segment_map "
                "where r_score = 1 and f_score = 1 and m_score = 1")
    con.execute("update reference.rfm_segment_map set rfm_segment = 'not_a_segment' "
                "where r_score = 5 and f_score = 5 and m_score = 5")
    expected["assert_rfm_segment_map_covers_all_cells"] = {
        (1, 1, 1, "cell mapped to 0 segments"), (5, 5, 5, "unknown segment not_a_segment")}

    # segment_playbook: the play of one segment value in the memberships gone
    segment_type, segment_value = one(
        "select segment_type, segment_value from reference.segment_playbook as playbook "
        "where exists (select 1 from marts.segment_memberships as memberships "
        "where memberships.segment_type = playbook.segment_type "
        "and memberships.segment_value = playbook.segment_value) "
        "order by segment_type, segment_value limit 1")
    con.execute("delete from reference.segment_playbook "
                "where segment_type = ? and segment_value = ?", [segment_type, segment_value])
    expected["assert_playbook_covers_segment_values"] = {(segment_type, segment_value)}

    # segment_migration: one flow between two known segments counted once too often
    migration_type, from_segment, to_segment = one(
        "select segment_type, from_segment, to_segment from marts.segment_migration "
        "where from_segment != 'not_yet_known' and to_segment != 'no_longer_known' "
        "and from_segment != to_segment order by 1, 2, 3 limit 1")
    sizes = {}
    for side, model, segment in (("start", "int_customer_status__previous", from_segment),
                                 ("end", "int_customer_status__current", to_segment)):
        (sizes[side],) = one(f"select count(*) from intermediate.{model} "
                             f"where {migration_type} = ?", [segment])
    con.execute("update marts.segment_migration set customers = customers + 1 "
                "where segment_type = ? and from_segment = ? and to_segment = ?",
                [migration_type, from_segment, to_segment])
    expected["assert_segment_migration_adds_up"] = {
        (migration_type, from_segment, "start", sizes["start"], sizes["start"] + 1),
        (migration_type, to_segment, "end", sizes["end"], sizes["end"] + 1),
    }
    write_generic_test_faults(con, expected)
    return expected


def write_generic_test_faults(con: duckdb.DuckDBPyConnection,
                              expected: dict[Any, set[tuple]]) -> None:
    # a share above 1
    con.execute("update intermediate.int_customer_occasion_shares set holiday_order_share = 1.5 "
                "where customer_id = (select min(customer_id) "
                "from intermediate.int_customer_occasion_shares)")
    expected[("accepted_range", "int_customer_occasion_shares", "holiday_order_share")] = {
        (1.5,)}

    # cluster ids 1..k with a gap at the top; the sizes one customer too many
    [(k, clustered)] = con.execute("select count(*), (select count(*) from "
                                   "marts.customer_clusters) from marts.cluster_profiles"
                                   ).fetchall()
    con.execute("update marts.cluster_profiles set cluster_id = cluster_id + 1, "
                "customers = customers + 1 where cluster_id = ?", [k])
    expected[("consecutive_from_one", "cluster_profiles", "cluster_id")] = {(k, k, 1, k + 1)}
    expected[("sum_equals_row_count", "cluster_profiles", "customers")] = {
        (clustered + 1, clustered)}

    # the run's customer count one off the features' rows
    [(features,)] = con.execute("select count(*) from marts.customer_cluster_features"
                                ).fetchall()
    con.execute("update marts.cluster_runs set n_customers = n_customers + 1")
    expected[("equals_row_count", "cluster_runs", "n_customers")] = {(features + 1,)}

    # segment sizes: one value tier down to a single customer, one lifecycle stage
    # made ten times its type's customers; the warnings, counted here
    con.execute("update marts.segment_summary set customers = 1 where segment_type = "
                "'value_tier' and segment_value = (select min(segment_value) from "
                "marts.segment_summary where segment_type = 'value_tier')")
    con.execute("update marts.segment_summary set customers = 10 * (select sum(customers) "
                "from marts.segment_summary where segment_type = 'lifecycle_stage') "
                "where segment_type = 'lifecycle_stage' and segment_value = (select "
                "min(segment_value) from marts.segment_summary "
                "where segment_type = 'lifecycle_stage')")
    vars_ = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
    sizes = [row for row in con.execute(
        "select segment_type, segment_value, customers from marts.segment_summary").fetchall()
        if row[0] in SIZE_TYPES]
    type_customers = Counter()
    for segment_type, _, customers in sizes:
        type_customers[segment_type] += customers
    expected[("segment_min_customers", "segment_summary", None)] = {
        row for row in sizes if row[2] < vars_["min_segment_customers"]}
    expected[("segment_max_share", "segment_summary", None)] = {
        (*row, type_customers[row[0]]) for row in sizes
        if row[2] > vars_["max_segment_share"] * type_customers[row[0]]}


# The columns compared, where a test returns more than the fault fixes: the
# reconciliation's expected amount is unrounded (the mart rounds each line).
PROJECTIONS = {
    "assert_fct_orders_reconcile_to_clean_order_items":
        lambda row: (row[0], row[1], row[2], row[4]),
}


# Generic tests given a fault above, and their severity.
GENERIC_FAULTS = {
    ("accepted_range", "int_customer_occasion_shares", "holiday_order_share"): "FAIL",
    ("consecutive_from_one", "cluster_profiles", "cluster_id"): "FAIL",
    ("sum_equals_row_count", "cluster_profiles", "customers"): "FAIL",
    ("equals_row_count", "cluster_runs", "n_customers"): "FAIL",
    ("segment_min_customers", "segment_summary", None): "WARN",
    ("segment_max_share", "segment_summary", None): "WARN",
}


@pytest.mark.parametrize("case", [*SINGULAR_TESTS, *GENERIC_FAULTS],
                         ids=[*SINGULAR_TESTS, *("-".join(filter(None, key))
                                                 for key in GENERIC_FAULTS)])
def test_data_test_reports_exactly_the_rows_of_its_fault(faulty, case):
    copy, faults, reported, output, nodes = faulty
    rows = faults[case]
    assert rows, f"{case}: the fault should give failing rows"
    name, file_stem = nodes[case]
    severity = GENERIC_FAULTS.get(case, "FAIL")
    assert reported.get(name) == f"{severity} {len(rows)}", output[-3000:]
    project = PROJECTIONS.get(name, tuple)
    assert {project(row) for row in copy.data_test_failures(file_stem)} == rows


def test_every_other_selected_test_passes(faulty):
    """The faults break only their own tests (and the selection found each test)."""
    _, faults, reported, output, nodes = faulty
    faulted = {nodes[case][0] for case in faults}
    assert faulted <= set(reported), output[-3000:]
    others = {name: result for name, result in reported.items() if name not in faulted}
    assert others and set(others.values()) == {"PASS"}, others
