"""The raw contract is written twice: contract.py (loader, generator) and the
raw_contract_columns macro (staging). They must list the same columns."""

from __future__ import annotations

import ast
import re

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.contract import TABLES

MACRO = PROJECT_ROOT / "macros" / "staging" / "raw_contract.sql"


def macro_columns() -> dict[str, list[str]]:
    text = MACRO.read_text()
    body = re.search(r"set columns = (\{.*?\}) -%\}", text, re.S)
    assert body, f"{MACRO}: no `set columns = {{...}}` found"
    return ast.literal_eval(body.group(1))


def test_macro_lists_every_contract_table_with_the_same_columns() -> None:
    from_macro = macro_columns()
    from_contract = {table.name: table.column_names for table in TABLES}
    assert from_macro == from_contract


def test_contract_has_the_seven_tables_of_v1() -> None:
    assert [t.name for t in TABLES if t.required] == [
        "customers", "orders", "order_items", "products"]
    assert [t.name for t in TABLES if not t.required] == [
        "campaign_sends", "survey_responses", "fx_rates"]
