"""scripts/load_raw.py on hand-written raw directories (fast: no dbt).

Each test writes a tiny raw-contract directory in tmp_path, runs the real script in a
subprocess with DUCKDB_PATH pointing into tmp_path, and checks exit code, stderr and
the raw schema.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import run_load

from customer_segmentation.contract import TABLES_BY_NAME

MINIMAL = {
    "customers": (
        "customer_id,email,signup_at\n"
        + "00042,a@example.com,2024-01-01\n"
        + "42,b@example.com,2024-01-02\n"
    ),
    "orders": "order_id,customer_id,ordered_at\no1,00042,2024-02-01 10:00:00\no2,,2024-02-02\n",
    "order_items": (
        "order_item_id,order_id,product_id,quantity,unit_price\n"
        "i1,o1,p1,2,9.99\ni2,o2,p1,1,9.99\ni3,o2,p2,-1,5\n"
    ),
    "products": "product_id,product_name,category\np1,Mug,kitchen\np2,Toy,toys\n",
}
OPTIONAL = ("campaign_sends", "survey_responses", "fx_rates")


def write_dir(path: Path, overrides: dict[str, str | bytes | None] | None = None) -> Path:
    """A raw directory with MINIMAL tables; an override of None removes that file."""
    path.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes | None] = {**MINIMAL, **(overrides or {})}
    for table, content in files.items():
        if content is None:
            continue
        target = path / f"{table}.csv"
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return path


def flat(text: str) -> str:
    """Rich may wrap long lines: compare messages with whitespace collapsed."""
    return " ".join(text.split())


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def counts(database: Path) -> dict[str, int]:
    return {
        table: query(database, f"select count(*) from raw.{table}")[0][0]
        for table in TABLES_BY_NAME
    }


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def test_minimal_directory_loads(tmp_path: Path, database: Path) -> None:
    result = run_load(write_dir(tmp_path / "raw"), database)
    assert result.returncode == 0, result.stderr
    assert counts(database) == {
        "customers": 2,
        "orders": 2,
        "order_items": 3,
        "products": 2,
        "campaign_sends": 0,
        "survey_responses": 0,
        "fx_rates": 0,
    }
    # leading zeros kept, empty field is NULL, rows numbered in file order
    assert query(database, "select customer_id, _source_row from raw.customers order by 2") == [
        ("00042", 1),
        ("42", 2),
    ]
    assert query(database, "select customer_id from raw.orders where order_id = 'o2'") == [(None,)]


@pytest.mark.parametrize("table", ["customers", "orders", "order_items", "products"])
def test_missing_required_file_fails_naming_it(tmp_path: Path, database: Path, table: str) -> None:
    result = run_load(write_dir(tmp_path / "raw", {table: None}), database)
    assert result.returncode == 1
    assert "load failed" in flat(result.stderr)
    assert f"{table}.csv" in flat(result.stderr)
    assert "required file missing" in flat(result.stderr)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("customers", "customer_id"),
        ("orders", "ordered_at"),
        ("order_items", "unit_price"),
        ("products", "product_id"),
    ],
)
def test_missing_key_column_fails_naming_file_and_column(
    tmp_path: Path, database: Path, table: str, column: str
) -> None:
    header, *rows = MINIMAL[table].splitlines()
    names = header.split(",")
    drop = names.index(column)
    kept = [
        ",".join(v for i, v in enumerate(line.split(",")) if i != drop) for line in [header, *rows]
    ]
    result = run_load(write_dir(tmp_path / "raw", {table: "\n".join(kept) + "\n"}), database)
    assert result.returncode == 1
    message = flat(result.stderr)
    assert f"{table}.csv" in message
    assert f"'{column}'" in message
    assert "key column" in message


def test_failed_load_leaves_previous_raw_data_untouched(tmp_path: Path, database: Path) -> None:
    assert run_load(write_dir(tmp_path / "good"), database).returncode == 0
    before = counts(database)
    loads_before = query(database, "select count(*) from raw._loads")[0][0]
    # bad: products lacks its key column, but customers/orders (earlier in order) differ
    bad = write_dir(
        tmp_path / "bad",
        {
            "customers": "customer_id\nc1\nc2\nc3\nc4\nc5\n",
            "products": "name\nMug\n",
        },
    )
    result = run_load(bad, database)
    assert result.returncode == 1
    assert counts(database) == before
    assert query(database, "select count(*) from raw._loads")[0][0] == loads_before
    assert query(database, "select customer_id from raw.customers order by 1") == [
        ("00042",),
        ("42",),
    ]


def test_failed_load_mid_parse_leaves_previous_raw_data_untouched(
    tmp_path: Path, database: Path
) -> None:
    """A header that passes validation but a body that fails to parse rolls back too."""
    assert run_load(write_dir(tmp_path / "good"), database).returncode == 0
    before = counts(database)
    bad_body = 'product_id,product_name\np1,Mug\np2,"unterminated\n'
    result = run_load(write_dir(tmp_path / "bad", {"products": bad_body}), database)
    assert result.returncode == 1, result.stderr
    assert "products.csv" in flat(result.stderr)
    assert counts(database) == before


def test_absent_optional_tables_load_empty_with_contract_columns(
    tmp_path: Path, database: Path
) -> None:
    assert run_load(write_dir(tmp_path / "raw"), database).returncode == 0
    for table in OPTIONAL:
        columns = [
            r[0]
            for r in query(
                database,
                "select column_name from information_schema.columns "
                f"where table_schema = 'raw' and table_name = '{table}' order by ordinal_position",
            )
        ]
        contract = TABLES_BY_NAME[table].column_names
        assert columns[: len(contract)] == contract
        assert {"_source_file", "_source_row"} <= set(columns)
        assert query(database, f"select count(*) from raw.{table}") == [(0,)]


def test_column_names_case_insensitive_and_extras_kept(tmp_path: Path, database: Path) -> None:
    customers = "Customer_ID,EMAIL,Loyalty_Tier\n00042,a@example.com,gold\n"
    result = run_load(write_dir(tmp_path / "raw", {"customers": customers}), database)
    assert result.returncode == 0, result.stderr
    assert query(database, "select customer_id, email, loyalty_tier from raw.customers") == [
        ("00042", "a@example.com", "gold")
    ]
    # a contract column absent from the header loads as NULL
    assert query(database, "select first_name from raw.customers") == [(None,)]


def test_loading_twice_replaces_and_records_two_loads(tmp_path: Path, database: Path) -> None:
    raw = write_dir(tmp_path / "raw")
    assert run_load(raw, database).returncode == 0
    first = counts(database)
    assert run_load(raw, database).returncode == 0
    assert counts(database) == first
    per_table = dict(
        query(database, "select table_name, count(distinct load_id) from raw._loads group by 1")
    )
    assert per_table == {table: 2 for table in TABLES_BY_NAME}
    assert query(database, "select count(distinct load_id) from raw._loads") == [(2,)]
    rows = dict(
        query(
            database,
            "select table_name, max(row_count) from raw._loads group by 1",
        )
    )
    assert rows == first


def test_non_utf8_file_fails_naming_it(tmp_path: Path, database: Path) -> None:
    latin1 = "product_id,product_name\np1,Caf\xe9 cr\xe8me\n".encode("latin-1")
    result = run_load(write_dir(tmp_path / "raw", {"products": latin1}), database)
    assert result.returncode == 1, result.stderr
    message = flat(result.stderr)
    assert "products.csv" in message
    assert "load failed" in message


def test_utf8_bom_and_quoted_newlines_load(tmp_path: Path, database: Path) -> None:
    products = (
        "\ufeffproduct_id,product_name,category\n"
        'p1,"Mug, large\nwith lid",kitchen\n'
        'p2,"Say ""hi""",toys\n'
    ).encode("utf-8")
    result = run_load(write_dir(tmp_path / "raw", {"products": products}), database)
    assert result.returncode == 0, result.stderr
    assert query(
        database,
        "select product_id, product_name, category, _source_row from raw.products order by 4",
    ) == [
        ("p1", "Mug, large\nwith lid", "kitchen", 1),
        ("p2", 'Say "hi"', "toys", 2),
    ]


def test_semicolon_delimited_file_fails_naming_key_column(tmp_path: Path, database: Path) -> None:
    products = "product_id;product_name\np1;Mug\n"
    result = run_load(write_dir(tmp_path / "raw", {"products": products}), database)
    assert result.returncode == 1
    message = flat(result.stderr)
    assert "products.csv" in message
    assert "'product_id'" in message


def test_empty_file_fails_naming_it(tmp_path: Path, database: Path) -> None:
    result = run_load(write_dir(tmp_path / "raw", {"orders": ""}), database)
    assert result.returncode == 1
    message = flat(result.stderr)
    assert "orders.csv" in message
    assert "empty" in message
