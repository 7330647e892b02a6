"""Map the UCI "Online Retail" export (2010-12-01 .. 2011-12-09) to the raw data contract (v1).

Input: one CSV (optionally gzipped) with the columns InvoiceNo, StockCode, Description,
Quantity, InvoiceDate, UnitPrice, CustomerID, Country; one row per invoice line.
Output: ``customers.csv``, ``orders.csv``, ``order_items.csv``, ``products.csv`` and
``fx_rates.csv`` in one directory. Every decision is explained in
``docs/online_retail_mapping.md``.

Values are read and written as text, so prices and quantities keep their source spelling;
only the columns that need a rule (customer id, status, names, categories) are derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from customer_segmentation import PROJECT_ROOT

# The real export in the project's shared data, next to the clone (../shared/data).
SHARED_EXPORT: Path = PROJECT_ROOT.parent / "shared" / "data" / "online_retail_2010_2011.csv.gz"

SOURCE_COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)

CURRENCY = "GBP"
CHANNEL = "web"
CUSTOMER_TYPE = "consumer"

# Merchandise stock codes: five digits plus optional letter suffix (85123A), and the
# "DCGS..." codes of items sold through the dotcom / eBay shop. Anything else is a
# service or accounting line (POST, DOT, M, BANK CHARGES, AMAZONFEE, C2, D, CRUK, PADS,
# S, B, gift_0001_..).
_MERCHANDISE_CODE = re.compile(r"^(\d{5}[A-Za-z]*|DCGS\w+)$")
NON_PRODUCT_CATEGORY = "non_product"

# Ordered keyword rules on the upper-cased product name; the first rule that matches wins.
# Deliberately small: whatever matches nothing stays NULL (= uncategorised).
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seasonal", ("CHRISTMAS", "XMAS", "EASTER", "ADVENT", "HALLOWEEN")),
    ("bags", ("BAG", "BAGS")),
    ("candles_lighting", ("CANDLE", "CANDLES", "T-LIGHT", "TEA LIGHT", "TEALIGHT", "LANTERN")),
    (
        "kitchen_dining",
        ("MUG", "CUP", "CUPS", "PLATE", "PLATES", "BOWL", "TEAPOT", "JUG", "CAKE", "BAKING",
         "LUNCH BOX", "NAPKINS", "CAKESTAND", "RECIPE", "CUTLERY"),
    ),
    (
        "stationery_cards",
        ("CARD", "CARDS", "WRAP", "NOTEBOOK", "PEN", "PENCIL", "PENCILS", "STICKER",
         "STICKERS", "ENVELOPE", "ENVELOPES", "PAPER"),
    ),
    (
        "home_decor",
        ("SIGN", "FRAME", "CLOCK", "CUSHION", "HOOK", "HOOKS", "HANGER", "MIRROR",
         "DOORMAT", "VASE", "WREATH", "GARLAND", "BUNTING"),
    ),
    ("toys_kids", ("TOY", "TOYS", "DOLL", "GAME", "JIGSAW", "CHILDRENS", "CHILDREN'S", "BABY")),
    ("jewellery_accessories", ("NECKLACE", "BRACELET", "EARRINGS", "HAIR", "UMBRELLA", "PURSE")),
)
_CATEGORY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(r"(?<![A-Z])(" + "|".join(map(re.escape, words)) + r")(?![A-Z])"))
    for category, words in CATEGORY_KEYWORDS
)

# Approximate historical monthly averages of GBP -> USD (US dollars per pound), rounded to
# two decimals. Every day of a month gets that month's value. Good enough to report in USD;
# not an accounting rate. Covers one month before and after the data (2010-12 .. 2011-12).
GBP_USD_MONTHLY: dict[str, float] = {
    "2010-11": 1.60,
    "2010-12": 1.56,
    "2011-01": 1.58,
    "2011-02": 1.61,
    "2011-03": 1.62,
    "2011-04": 1.64,
    "2011-05": 1.63,
    "2011-06": 1.62,
    "2011-07": 1.62,
    "2011-08": 1.63,
    "2011-09": 1.58,
    "2011-10": 1.58,
    "2011-11": 1.58,
    "2011-12": 1.56,
}
FX_FIRST_DAY = date(2010, 11, 1)
FX_LAST_DAY = date(2011, 12, 31)

_INTEGER_FLOAT = re.compile(r"^\s*(\d+)(?:\.0*)?\s*$")


@dataclass(frozen=True)
class ImportResult:
    """Row counts of the tables written."""

    customers: int
    orders: int
    order_items: int
    products: int
    fx_rates: int


# --- small value rules ----------------------------------------------------------------


def normalise_customer_id(value: str | None) -> str | None:
    """``"17850.0"`` -> ``"17850"``; empty -> None; anything else is kept as written."""
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    match = _INTEGER_FLOAT.match(str(value))
    return match.group(1) if match else str(value).strip()


def order_status(invoice_no: str) -> str:
    """"C" invoices are credit notes (returned goods); all others, "A" included, completed."""
    return "returned" if invoice_no.upper().startswith("C") else "completed"


def is_merchandise_code(stock_code: str) -> bool:
    return bool(_MERCHANDISE_CODE.match(stock_code))


def product_category(stock_code: str, product_name: str | None) -> str | None:
    """``non_product`` for service codes, else the first keyword rule that matches, else None."""
    if not is_merchandise_code(stock_code):
        return NON_PRODUCT_CATEGORY
    if not product_name:
        return None
    name = product_name.upper()
    for category, pattern in _CATEGORY_PATTERNS:
        if pattern.search(name):
            return category
    return None


def fx_rates_table(
    monthly: dict[str, float] = GBP_USD_MONTHLY,
    first_day: date = FX_FIRST_DAY,
    last_day: date = FX_LAST_DAY,
) -> pd.DataFrame:
    """One GBP row per day from ``first_day`` to ``last_day``, the month's average rate."""
    rows = []
    day = first_day
    while day <= last_day:
        rows.append((CURRENCY, day.isoformat(), f"{monthly[day.strftime('%Y-%m')]:.2f}"))
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=["currency", "rate_date", "rate_to_reporting"])


# --- table builders (all take the source lines as read by read_source) -----------------


def read_source(src: Path | str) -> pd.DataFrame:
    """Read the export as text; only empty fields become NA. Adds ``_line`` (file order)."""
    lines = pd.read_csv(src, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    missing = [c for c in SOURCE_COLUMNS if c not in lines.columns]
    if missing:
        raise ValueError(f"{src}: missing source columns {missing}")
    lines = lines[list(SOURCE_COLUMNS)].copy()
    for column in ("InvoiceNo", "StockCode", "InvoiceDate"):
        if lines[column].isna().any():
            raise ValueError(f"{src}: empty {column} in {int(lines[column].isna().sum())} lines")
    lines["InvoiceNo"] = lines["InvoiceNo"].str.strip()
    lines["StockCode"] = lines["StockCode"].str.strip()
    lines["customer_id"] = lines["CustomerID"].map(normalise_customer_id).astype("object")
    lines["_line"] = range(len(lines))
    return lines


def build_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per InvoiceNo; ordered_at = earliest InvoiceDate of the invoice."""
    grouped = lines.groupby("InvoiceNo", sort=False)
    orders = pd.DataFrame(
        {
            "customer_id": grouped["customer_id"].first(),  # first non-null, file order
            "ordered_at": grouped["InvoiceDate"].min(),  # fixed-width text: min = earliest
            "shipping_country": grouped["Country"].first(),
        }
    )
    orders.index.name = "order_id"
    orders = orders.reset_index()
    orders["status"] = orders["order_id"].map(order_status)
    orders["channel"] = CHANNEL
    orders["currency"] = CURRENCY
    orders["is_gift"] = None
    orders["promo_code"] = None
    return orders[
        ["order_id", "customer_id", "ordered_at", "status", "channel", "currency",
         "is_gift", "promo_code", "shipping_country"]
    ]


def build_order_items(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per source line; id = ``<InvoiceNo>-<1-based line number within the invoice>``."""
    line_no = lines.groupby("InvoiceNo", sort=False).cumcount() + 1
    return pd.DataFrame(
        {
            "order_item_id": lines["InvoiceNo"] + "-" + line_no.astype(str),
            "order_id": lines["InvoiceNo"],
            "product_id": lines["StockCode"],
            "quantity": lines["Quantity"],
            "unit_price": lines["UnitPrice"],
            "discount_amount": None,
        }
    )


def build_customers(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer; country = the country of most of their invoices.

    Ties go to the country of the customer's latest invoice (then alphabetical).
    """
    known = orders.dropna(subset=["customer_id"])
    per_country = (
        known.groupby(["customer_id", "shipping_country"], dropna=False)
        .agg(invoices=("order_id", "size"), latest=("ordered_at", "max"))
        .reset_index()
        .sort_values(
            ["customer_id", "invoices", "latest", "shipping_country"],
            ascending=[True, False, False, True],
        )
    )
    best = per_country.drop_duplicates("customer_id", keep="first")
    customers = pd.DataFrame(
        {
            "customer_id": best["customer_id"].to_numpy(),
            "country": best["shipping_country"].to_numpy(),
        }
    )
    customers["signup_at"] = None
    customers["customer_type"] = CUSTOMER_TYPE
    return customers.sort_values("customer_id", kind="stable").reset_index(drop=True)


def build_products(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per StockCode (as written: ``85123A`` and ``85123a`` stay two products).

    product_name: the description seen on most lines with a positive price (so stock-keeping
    notes like "damaged" on zero-price lines never win), then on most lines, then alphabetical.
    list_price: median of the positive unit prices; NULL if the code was never sold.
    """
    price = pd.to_numeric(lines["UnitPrice"], errors="coerce")
    described = pd.DataFrame(
        {
            "product_id": lines["StockCode"],
            "name": lines["Description"].str.strip(),
            "priced": (price > 0).astype(int),
        }
    ).dropna(subset=["name"])
    described = described[described["name"] != ""]
    name_counts = (
        described.groupby(["product_id", "name"])
        .agg(priced=("priced", "sum"), lines=("priced", "size"))
        .reset_index()
        .sort_values(
            ["product_id", "priced", "lines", "name"], ascending=[True, False, False, True]
        )
        .drop_duplicates("product_id", keep="first")
        .set_index("product_id")["name"]
    )
    list_price = (
        pd.DataFrame({"product_id": lines["StockCode"], "price": price})
        .query("price > 0")
        .groupby("product_id")["price"]
        .median()
    )
    product_ids = pd.Index(lines["StockCode"].drop_duplicates().sort_values(), name="product_id")
    products = pd.DataFrame(index=product_ids).reset_index()
    products["product_name"] = products["product_id"].map(name_counts).astype("object")
    products["category"] = [
        product_category(code, name if isinstance(name, str) else None)
        for code, name in zip(products["product_id"], products["product_name"], strict=True)
    ]
    products["list_price"] = products["product_id"].map(list_price).map(_format_price)
    return products[["product_id", "product_name", "category", "list_price"]]


def _format_price(value: float) -> str | None:
    if pd.isna(value):
        return None
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --- whole import ----------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, na_rep="", encoding="utf-8", lineterminator="\n")


def import_online_retail(src: Path | str, out_dir: Path | str) -> ImportResult:
    """Read the export at ``src`` and write the contract tables into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = read_source(src)
    orders = build_orders(lines)
    items = build_order_items(lines)
    customers = build_customers(orders)
    products = build_products(lines)
    fx_rates = fx_rates_table()
    tables = {
        "customers": customers,
        "orders": orders,
        "order_items": items,
        "products": products,
        "fx_rates": fx_rates,
    }
    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv")
    return ImportResult(**{name: len(frame) for name, frame in tables.items()})
