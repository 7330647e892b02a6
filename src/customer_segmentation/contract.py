"""The raw data contract (v1) as code: tables, columns, types and keys.

One definition serves the generator (what to write), the loader (what to
require and create) and the tests. Human-readable version: README, "Raw contract".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "int", "decimal", "bool", "date", "timestamp"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    key: bool = False  # must be present in the header of a required table
    pii: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    primary_key: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def key_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.key]


def _c(name: str, type_: ColumnType = "string", *, key: bool = False, pii: bool = False) -> Column:
    return Column(name, type_, key, pii)


TABLES: tuple[Table, ...] = (
    Table(
        "customers",
        True,
        "customer_id",
        (
            _c("customer_id", key=True),
            _c("email", pii=True),
            _c("first_name", pii=True),
            _c("last_name", pii=True),
            _c("phone", pii=True),
            _c("birth_date", "date", pii=True),
            _c("gender"),
            _c("country"),
            _c("region"),
            _c("city"),
            _c("postal_code", pii=True),
            _c("signup_at", "timestamp"),
            _c("acquisition_channel"),
            _c("marketing_opt_in", "bool"),
            _c("customer_type"),
            _c("company_name"),
            _c("industry"),
            _c("employee_count", "int"),
            _c("annual_revenue", "decimal"),
            _c("updated_at", "timestamp"),
        ),
    ),
    Table(
        "orders",
        True,
        "order_id",
        (
            _c("order_id", key=True),
            _c("customer_id", key=True),
            _c("ordered_at", "timestamp", key=True),
            _c("status"),
            _c("channel"),
            _c("currency"),
            _c("is_gift", "bool"),
            _c("promo_code"),
            _c("shipping_country"),
        ),
    ),
    Table(
        "order_items",
        True,
        "order_item_id",
        (
            _c("order_item_id", key=True),
            _c("order_id", key=True),
            _c("product_id", key=True),
            _c("quantity", "int", key=True),
            _c("unit_price", "decimal", key=True),
            _c("discount_amount", "decimal"),
        ),
    ),
    Table(
        "products",
        True,
        "product_id",
        (
            _c("product_id", key=True),
            _c("product_name"),
            _c("category"),
            _c("subcategory"),
            _c("brand"),
            _c("tags"),
            _c("list_price", "decimal"),
        ),
    ),
    Table(
        "campaign_sends",
        False,
        "send_id",
        (
            _c("send_id", key=True),
            _c("campaign_id", key=True),
            _c("customer_id", key=True),
            _c("sent_at", "timestamp", key=True),
            _c("channel"),
            _c("variant"),
            _c("opened_at", "timestamp"),
            _c("clicked_at", "timestamp"),
        ),
    ),
    Table(
        "survey_responses",
        False,
        "response_id",
        (
            _c("response_id", key=True),
            _c("customer_id", key=True),
            _c("responded_at", "timestamp", key=True),
            _c("question_id", key=True),
            _c("answer_text"),
            _c("answer_score", "decimal"),
        ),
    ),
    Table(
        "fx_rates",
        False,
        "currency, rate_date",
        (
            _c("currency", key=True),
            _c("rate_date", "date", key=True),
            _c("rate_to_reporting", "decimal", key=True),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Bookkeeping columns the loader adds to every raw table. They let staging and
# error messages name the file and the row a value came from.
LOAD_COLUMNS: tuple[str, ...] = ("_source_file", "_source_row", "_load_id", "_loaded_at")

FILE_SUFFIXES: tuple[str, ...] = (".parquet", ".csv.gz", ".csv")
