"""The real UCI "Online Retail" export through the whole project: import, load, dbt build.

Expected numbers are literals from /work/shared/data/README.md (541,909 lines, 25,900
invoices, 4,372 customers), never recomputed with the code under test. The file is part
of the project's shared data: if it is missing the test fails (fixture uci_export),
it does not skip.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.contract import TABLES_BY_NAME

if TYPE_CHECKING:
    from conftest import BuiltWarehouse

SCRIPT = PROJECT_ROOT / "scripts" / "import_online_retail.py"


@pytest.fixture(scope="module")
def retail(tmp_path_factory: pytest.TempPathFactory, warehouse_factory,
           uci_export: Path) -> BuiltWarehouse:
    out: Path = tmp_path_factory.mktemp("online_retail_raw")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--src", str(uci_export), "--out", str(out)],
        cwd=PROJECT_ROOT,
        check=True,
    )
    # dbt build (models and data tests) must pass: the factory raises otherwise
    return warehouse_factory(out)


def count(wh: BuiltWarehouse, relation: str) -> int:
    return wh.query(f"select count(*) from {relation}")[0][0]


def test_raw_counts_match_the_data_readme(retail: BuiltWarehouse) -> None:
    assert count(retail, "raw.order_items") == 541_909
    assert count(retail, "raw.orders") == 25_900
    assert count(retail, "raw.customers") == 4_372


def test_every_customer_is_segmented(retail: BuiltWarehouse) -> None:
    assert count(retail, "staging.stg_raw__customers") == 4_372
    assert count(retail, "marts.dim_customers") == 4_372
    assert count(retail, "marts.customer_rfm") == 4_372
    assert retail.query("select count(distinct customer_id) from marts.customer_rfm") == [(4_372,)]


def test_order_item_quarantine_is_only_bad_prices_and_absurd_quantities(
    retail: BuiltWarehouse,
) -> None:
    reasons = dict(
        retail.query(
            "select quarantine_reason, count(*) from quarantine.quarantine_raw__order_items "
            "group by 1"
        )
    )
    print(f"\nonline retail order_items quarantine: {reasons}")
    assert set(reasons) <= {"negative_price", "absurd_quantity"}
    # README: "a few 'A' invoices adjust bad debt with negative prices" and
    # "an 80,995-unit order reversed the same day" (both lines of it)
    assert reasons.get("negative_price", 0) > 0
    assert reasons.get("absurd_quantity", 0) >= 2


@pytest.mark.parametrize("table", tuple(TABLES_BY_NAME))
def test_raw_equals_clean_plus_quarantine(retail: BuiltWarehouse, table: str) -> None:
    raw = count(retail, f"raw.{table}")
    clean = count(retail, f"staging.stg_raw__{table}")
    quarantined = count(retail, f"quarantine.quarantine_raw__{table}")
    assert raw == clean + quarantined, f"{table}: {raw} != {clean} + {quarantined}"
