"""Importer of the UCI "Online Retail" export: the real file, a 10-line fixture, the rules.

Expected numbers are literals from /work/shared/data/README.md or from the hand-written
fixture, never recomputed with the code under test.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.contract import TABLES_BY_NAME
from customer_segmentation.online_retail import (
    build_products,
    fx_rates_table,
    import_online_retail,
    normalise_customer_id,
    order_status,
    product_category,
    read_source,
)

SCRIPT = PROJECT_ROOT / "scripts" / "import_online_retail.py"
WRITTEN = ("customers", "orders", "order_items", "products", "fx_rates")


def read_table(directory: Path, table: str) -> pd.DataFrame:
    """A written CSV as text; only empty fields are NULL (as the contract reads them)."""
    return pd.read_csv(
        directory / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[""]
    ).astype(object).where(lambda f: f.notna(), None)


# --- the real file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, uci_export: Path) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("online_retail")
    # the thin script with its default --src, as a user runs it
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True)
    return {table: read_table(out, table) for table in WRITTEN}


def test_real_counts_match_the_data_readme(real: dict[str, pd.DataFrame]) -> None:
    assert len(real["orders"]) == 25_900
    assert real["orders"]["order_id"].is_unique
    assert len(real["order_items"]) == 541_909
    assert real["order_items"]["order_item_id"].is_unique
    assert len(real["customers"]) == 4_372
    assert real["customers"]["customer_id"].is_unique


def test_real_every_contract_key_column_present(real: dict[str, pd.DataFrame]) -> None:
    for table, frame in real.items():
        contract = TABLES_BY_NAME[table]
        assert set(contract.key_columns) <= set(frame.columns), table
        assert set(frame.columns) <= set(contract.column_names), table


def test_real_customer_ids_are_integer_text(real: dict[str, pd.DataFrame]) -> None:
    for ids in (real["customers"]["customer_id"], real["orders"]["customer_id"].dropna()):
        assert not ids.str.contains(".", regex=False).any()
        assert ids.str.fullmatch(r"\d+").all()
    assert "17850" in set(real["customers"]["customer_id"])  # the first line's "17850.0"


def test_real_credit_notes_are_returns_with_non_positive_quantities(
    real: dict[str, pd.DataFrame],
) -> None:
    orders, items = real["orders"], real["order_items"]
    credit = orders["order_id"].str.startswith("C")
    assert (orders.loc[credit, "status"] == "returned").all()
    assert (orders.loc[~credit, "status"] == "completed").all()
    credit_items = items[items["order_id"].str.startswith("C")]
    assert len(credit_items) > 0
    assert (credit_items["quantity"].astype(int) <= 0).all()


def test_real_large_order_reversed_the_same_day(real: dict[str, pd.DataFrame]) -> None:
    items = real["order_items"].merge(real["orders"], on="order_id")
    big = items[items["quantity"].astype(int).abs() == 80_995]  # README: 80,995-unit order
    assert sorted(big["status"]) == ["completed", "returned"]
    assert set(big["quantity"]) == {"80995", "-80995"}
    assert big["customer_id"].nunique() == 1
    assert big["ordered_at"].str[:10].nunique() == 1


def test_real_referential_integrity(real: dict[str, pd.DataFrame]) -> None:
    orders, items = real["orders"], real["order_items"]
    assert items["order_id"].isin(orders["order_id"]).all()
    assert orders["order_id"].isin(items["order_id"]).all()
    assert items["product_id"].isin(real["products"]["product_id"]).all()
    known = orders["customer_id"].dropna()
    assert known.isin(real["customers"]["customer_id"]).all()


def test_real_guests_are_a_quarter_of_lines(real: dict[str, pd.DataFrame]) -> None:
    items = real["order_items"].merge(real["orders"], on="order_id")
    assert 0.24 < items["customer_id"].isna().mean() < 0.26  # README: 25% of lines


def test_real_products_unique_and_service_codes_flagged(real: dict[str, pd.DataFrame]) -> None:
    products = real["products"].set_index("product_id")
    assert products.index.is_unique
    for code in ("POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "C2", "D", "CRUK", "B"):
        assert products.loc[code, "category"] == "non_product", code
    assert products.loc["85123A", "category"] != "non_product"


def test_real_eight_customers_under_two_countries(real: dict[str, pd.DataFrame]) -> None:
    orders = real["orders"].dropna(subset=["customer_id"])
    assert (orders.groupby("customer_id")["shipping_country"].nunique() > 1).sum() == 8


def test_real_fx_rates_cover_every_order_date(real: dict[str, pd.DataFrame]) -> None:
    fx = real["fx_rates"]
    assert set(fx["currency"]) == {"GBP"}
    assert set(real["orders"]["currency"]) == {"GBP"}
    order_days = set(real["orders"]["ordered_at"].str[:10])
    assert order_days <= set(fx["rate_date"])
    assert {"2010-12-01", "2011-12-09"} <= order_days  # the README's first and last day
    assert fx["rate_to_reporting"].astype(float).between(1.4, 1.8).all()


# --- a hand-written fixture, one line per rule ---------------------------------------------

FIXTURE = """\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
1001,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
1001,POST,POSTAGE,1,2010-12-01 08:27:00,18.00,17850.0,United Kingdom
1002,85123A,"WHITE HEART, LARGE",2,2010-12-02 09:00:00,3.00,,United Kingdom
C1003,85123A,WHITE HEART,-6,2010-12-03 10:00:00,2.55,17850.0,United Kingdom
1004,22001,damaged,-5,2010-12-04 11:00:00,0,,United Kingdom
1005,22001,RED MUG,3,2011-01-05 12:00:00,1.25,12394.0,Belgium
1006,22001,RED MUG,1,2011-02-06 12:00:00,1.75,12394.0,Denmark
A1007,B,Adjust bad debt,1,2011-08-12 14:50:00,-100.00,,United Kingdom
1008,85123a,WHITE HEART,1,2011-08-13 10:00:00,2.00,00042,EIRE
"""


@pytest.fixture
def small(tmp_path: Path) -> dict[str, pd.DataFrame]:
    src = tmp_path / "retail.csv"
    src.write_text(FIXTURE, encoding="utf-8")
    out = tmp_path / "out"
    result = import_online_retail(src, out)
    assert (result.orders, result.order_items, result.customers, result.products) == (8, 10, 3, 5)
    return {table: read_table(out, table) for table in WRITTEN}


def test_fixture_customers(small: dict[str, pd.DataFrame]) -> None:
    customers = small["customers"].set_index("customer_id")
    assert sorted(customers.index) == ["00042", "12394", "17850"]  # float suffix gone, zeros kept
    assert customers.loc["17850", "country"] == "United Kingdom"
    assert customers.loc["12394", "country"] == "Denmark"  # 1:1 tie -> latest invoice's
    assert customers.loc["00042", "country"] == "EIRE"  # raw text, not recoded
    assert (customers["customer_type"] == "consumer").all()
    assert customers["signup_at"].isna().all()
    assert not {"email", "birth_date", "gender"} & set(small["customers"].columns)


def test_fixture_orders(small: dict[str, pd.DataFrame]) -> None:
    orders = small["orders"].set_index("order_id")
    assert list(orders.index) == ["1001", "1002", "C1003", "1004", "1005", "1006", "A1007",
                                  "1008"]
    assert orders.loc["1001", "ordered_at"] == "2010-12-01 08:26:00"  # earliest of two minutes
    assert orders.loc["1001", "customer_id"] == "17850"
    assert orders.loc["1002", "customer_id"] is None  # guest
    assert orders.loc["C1003", "status"] == "returned"
    assert orders.loc["A1007", "status"] == "completed"
    assert orders.loc["1004", "status"] == "completed"  # stock write-off stays as written
    assert orders.loc["1006", "shipping_country"] == "Denmark"
    assert set(orders["currency"]) == {"GBP"}
    assert set(orders["channel"]) == {"web"}
    assert orders["is_gift"].isna().all()
    assert orders["promo_code"].isna().all()


def test_fixture_order_items(small: dict[str, pd.DataFrame]) -> None:
    items = small["order_items"].set_index("order_item_id")
    assert list(items.index[:4]) == ["1001-1", "1001-2", "1001-3", "1002-1"]
    # the exact duplicate line is kept as a second item
    assert items.loc["1001-1"].to_dict() == items.loc["1001-2"].to_dict()
    assert items.loc["C1003-1", "quantity"] == "-6"
    assert items.loc["C1003-1", "unit_price"] == "2.55"
    assert items.loc["A1007-1", "unit_price"] == "-100.00"  # kept; staging quarantines it
    assert items.loc["1001-3", "unit_price"] == "18.00"  # source spelling kept
    assert items.loc["1008-1", "product_id"] == "85123a"
    assert items["discount_amount"].isna().all()


def test_fixture_products(small: dict[str, pd.DataFrame]) -> None:
    products = small["products"].set_index("product_id")
    assert set(products.index) == {"85123A", "85123a", "POST", "22001", "B"}
    assert products.loc["85123A", "product_name"] == "WHITE HEART"  # 3 lines beat 1
    assert products.loc["22001", "product_name"] == "RED MUG"
    assert products.loc["22001", "list_price"] == "1.5"  # median of 1.25, 1.75; 0 ignored
    assert products.loc["85123A", "list_price"] == "2.55"
    assert products.loc["B", "list_price"] is None  # never a positive price
    assert products.loc["POST", "category"] == "non_product"
    assert products.loc["B", "category"] == "non_product"
    assert products.loc["22001", "category"] == "kitchen_dining"
    assert products.loc["85123A", "category"] is None


def test_fixture_fx_rates(small: dict[str, pd.DataFrame]) -> None:
    fx = small["fx_rates"]
    assert len(fx) == 426  # 2010-11-01 .. 2011-12-31
    assert fx["rate_date"].is_unique
    assert (fx.iloc[0]["rate_date"], fx.iloc[-1]["rate_date"]) == ("2010-11-01", "2011-12-31")


# --- the small rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("17850.0", "17850"), ("17850", "17850"), ("00042", "00042"), ("00042.00", "00042"),
     (" 12 ", "12"), ("", None), (None, None), ("AB12", "AB12")],
)
def test_normalise_customer_id(raw: str | None, expected: str | None) -> None:
    assert normalise_customer_id(raw) == expected


def test_order_status() -> None:
    assert order_status("C536379") == "returned"
    assert order_status("536365") == "completed"
    assert order_status("A563185") == "completed"


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("POST", "POSTAGE", "non_product"),
        ("gift_0001_10", "Dotcomgiftshop Gift Voucher £10.00", "non_product"),
        ("BANK CHARGES", "Bank Charges", "non_product"),
        ("m", "Manual", "non_product"),
        ("DCGS0004", "HAYNES CAMPER SHOULDER BAG", "bags"),
        ("22086", "PAPER CHAIN KIT 50'S CHRISTMAS", "seasonal"),
        ("85099B", "JUMBO BAG RED RETROSPOT", "bags"),
        ("22423", "REGENCY CAKESTAND 3 TIER", "kitchen_dining"),
        ("84879", "ASSORTED COLOUR BIRD ORNAMENT", None),
        ("21733", None, None),
        ("22000", "BAGGY TROUSERS", None),  # whole words only
    ],
)
def test_product_category(code: str, name: str | None, expected: str | None) -> None:
    assert product_category(code, name) == expected


def test_product_name_prefers_descriptions_on_priced_lines(tmp_path: Path) -> None:
    src = tmp_path / "names.csv"
    src.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,22001,damaged,-1,2011-01-01 10:00:00,0,,United Kingdom\n"
        "2,22001,damaged,-1,2011-01-01 10:00:00,0,,United Kingdom\n"
        "3,22001,RED MUG,1,2011-01-01 10:00:00,1.00,,United Kingdom\n",
        encoding="utf-8",
    )
    products = build_products(read_source(src)).set_index("product_id")
    assert products.loc["22001", "product_name"] == "RED MUG"


def test_fx_rates_table_uses_the_month_value() -> None:
    fx = fx_rates_table({"2011-01": 1.5, "2011-02": 1.7}, date(2011, 1, 30), date(2011, 2, 1))
    assert fx.values.tolist() == [
        ["GBP", "2011-01-30", "1.50"], ["GBP", "2011-01-31", "1.50"], ["GBP", "2011-02-01", "1.70"]
    ]


def test_missing_source_column_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("InvoiceNo,StockCode\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing source columns"):
        read_source(src)
