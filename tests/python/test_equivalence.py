"""The cross-engine mart comparison (used by make test-spark) finds what it must find."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from customer_segmentation.equivalence import cells_equal, compare_mart, primary_keys

COLUMNS = ["customer_id", "as_of_date", "monetary", "share", "runner"]


def rows(*values: tuple) -> tuple[list[str], list[dict]]:
    return COLUMNS, [dict(zip(COLUMNS, v, strict=True)) for v in values]


REFERENCE = rows(
    ("c1", date(2026, 7, 1), Decimal("10.25"), 0.1, "dbt_python"),
    ("c2", date(2026, 7, 1), Decimal("3.00"), None, "dbt_python"),
)


def test_equal_marts_in_another_row_order_with_float_noise_are_equal() -> None:
    other = rows(
        ("c2", date(2026, 7, 1), Decimal("3.00"), None, "script"),
        ("c1", date(2026, 7, 1), Decimal("10.25"), 0.1 + 1e-15, "script"),
    )
    result = compare_mart("m", ["customer_id"], {"runner"}, REFERENCE, other, "spark")
    assert result.equal, result.problems
    assert result.rows == 2


def test_a_cent_a_float_beyond_1e_9_and_a_null_are_differences() -> None:
    other = rows(
        ("c1", date(2026, 7, 1), Decimal("10.26"), 0.1 + 1e-8, "dbt_python"),
        ("c2", date(2026, 7, 1), Decimal("3.00"), 0.0, "dbt_python"),
    )
    result = compare_mart("m", ["customer_id"], set(), REFERENCE, other, "spark")
    flagged = {p.split(" column ")[1].split(":")[0] for p in result.problems}
    assert flagged == {"monetary", "share"}
    assert len(result.problems) == 3


def test_run_specific_columns_are_not_compared_but_others_are() -> None:
    other = rows(
        ("c1", date(2026, 7, 1), Decimal("10.25"), 0.1, "script"),
        ("c2", date(2026, 7, 2), Decimal("3.00"), None, "script"),
    )
    result = compare_mart("m", ["customer_id"], {"runner"}, REFERENCE, other, "spark")
    assert len(result.problems) == 1 and "as_of_date" in result.problems[0]


def test_row_counts_and_columns_must_match() -> None:
    fewer = (COLUMNS, REFERENCE[1][:1])
    assert "2 rows on DuckDB, 1 on spark" in compare_mart(
        "m", ["customer_id"], set(), REFERENCE, fewer, "spark").problems[0]
    renamed = (["id", *COLUMNS[1:]], REFERENCE[1])
    assert "columns differ" in compare_mart(
        "m", ["customer_id"], set(), REFERENCE, renamed, "spark").problems[0]


def test_an_empty_reference_is_not_a_pass() -> None:
    empty = (COLUMNS, [])
    assert not compare_mart("m", ["customer_id"], set(), empty, empty, "spark").equal


def test_cells_equal_by_type() -> None:
    assert cells_equal(Decimal("1.004"), Decimal("1.00"))
    assert not cells_equal(Decimal("1.01"), Decimal("1.00"))
    assert cells_equal(1e12, 1e12 + 1e2)  # relative tolerance for large values
    assert not cells_equal(1.0, 1.0 + 1e-8)
    assert not cells_equal(True, 1)
    assert not cells_equal(None, 0)
    assert cells_equal(float("nan"), float("nan"))


def test_primary_keys_come_from_the_manifest_tests() -> None:
    manifest = {"nodes": {
        "test.a": {"resource_type": "test", "attached_node": "model.p.customer_rfm",
                   "column_name": "customer_id", "test_metadata": {"name": "unique"}},
        "test.b": {"resource_type": "test", "attached_node": "model.p.segment_summary",
                   "test_metadata": {"name": "unique_combination_of_columns", "kwargs": {
                       "combination_of_columns": ["segment_type", "segment_value"]}}},
        "test.c": {"resource_type": "test", "attached_node": "model.p.customer_rfm",
                   "column_name": "rfm_cell", "test_metadata": {"name": "not_null"}},
    }}
    assert primary_keys(manifest) == {
        "customer_rfm": ["customer_id"],
        "segment_summary": ["segment_type", "segment_value"],
    }


def test_columns_flagged_in_yml_meta_are_run_specific() -> None:
    from customer_segmentation.equivalence import run_specific_columns

    node = {"columns": {
        "duration_seconds": {"config": {"meta": {"build_time": True}}},
        "runner": {"meta": {"engine_specific": True}},
        "k": {"config": {"meta": {}}},
    }}
    assert run_specific_columns(node) == {"duration_seconds", "runner"}
