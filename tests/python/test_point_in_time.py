"""Point-in-time builds: a build at an earlier as_of_date must equal a build on
data that was cut at that date (nothing after as_of_date may leak in)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

CUT = "2025-06-30"

# file -> timestamp column: rows at or after the cut are dropped.
CUT_COLUMNS = {
    "orders.csv": "ordered_at",
    "campaign_sends.csv": "sent_at",
    "survey_responses.csv": "responded_at",
    "customers.csv": "signup_at",
}


def _utc(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values.replace("", None), utc=True, format="mixed")
    return parsed.dt.tz_localize(None)


def cut_raw_dir(source: Path, target: Path, cut: str) -> dict[str, int]:
    """Copy a raw-contract directory, dropping rows at or after ``cut`` (UTC)."""
    shutil.copytree(source, target)
    cut_at = pd.Timestamp(cut)
    dropped: dict[str, int] = {}
    for name, column in CUT_COLUMNS.items():
        frame = pd.read_csv(source / name, dtype=str, keep_default_na=False)
        keep = ~(_utc(frame[column]) >= cut_at)  # blank timestamps are kept
        dropped[name] = int((~keep).sum())
        frame[keep].to_csv(target / name, index=False)
    orders = pd.read_csv(target / "orders.csv", dtype=str, keep_default_na=False)
    items = pd.read_csv(source / "order_items.csv", dtype=str, keep_default_na=False)
    keep_items = items["order_id"].isin(set(orders["order_id"]))
    dropped["order_items.csv"] = int((~keep_items).sum())
    items[keep_items].to_csv(target / "order_items.csv", index=False)
    return dropped


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def pit_builds(generated_raw_dir, warehouse_factory, tmp_path_factory):
    cut_dir = tmp_path_factory.mktemp("raw_cut") / "raw"
    dropped = cut_raw_dir(generated_raw_dir, cut_dir, CUT)
    assert dropped["orders.csv"] > 0 and dropped["order_items.csv"] > 0
    dbt_vars = {"as_of_date": CUT}
    full = warehouse_factory(generated_raw_dir, dbt_vars, command="build")
    cut = warehouse_factory(cut_dir, dbt_vars, command="build")
    return full, cut


@pytest.mark.parametrize("mart", ["customer_rfm", "dim_customers"])
def test_build_at_date_equals_build_on_cut_data(pit_builds, mart):
    full, cut = pit_builds
    left = _sorted(full.frame(f"select * from marts.{mart}"))
    right = _sorted(cut.frame(f"select * from marts.{mart}"))
    assert set(left["as_of_date"].astype(str)) == {CUT}
    only_full = set(left["customer_id"]) - set(right["customer_id"])
    only_cut = set(right["customer_id"]) - set(left["customer_id"])
    assert not only_full and not only_cut, (sorted(only_full)[:5], sorted(only_cut)[:5])
    if not left.equals(right):
        differing = [c for c in left.columns if not left[c].equals(right[c])]
        rows = left.index[(left[differing].astype(str) != right[differing].astype(str)).any(axis=1)]
        detail = pd.concat(
            {
                "full": left.loc[rows[:5], ["customer_id", *differing]],
                "cut": right.loc[rows[:5], ["customer_id", *differing]],
            },
            axis=1,
        )
        pytest.fail(f"{mart}: columns {differing} differ on {len(rows)} rows\n{detail}")
