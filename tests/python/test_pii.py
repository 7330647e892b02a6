"""Names, e-mails, phones, postal codes and birth dates stop in staging.

The PII columns are the ones tagged ``meta: {pii: true}`` in the yml (the docs
show the tag); every raw value of them is looked for in every column of every
mart of the DuckDB build of the generated data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.e2e

# The list: these raw customer columns carry PII and must be tagged.
PII_COLUMNS = {"email", "first_name", "last_name", "phone", "postal_code", "birth_date"}
MARTS_SCHEMA = "marts"


def manifest(target_path: Path) -> dict[str, Any]:
    return json.loads((target_path / "manifest.json").read_text())


def is_pii(column: dict[str, Any]) -> bool:
    meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
    return meta.get("pii") is True


def tagged_source_columns(data: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> columns tagged pii, over every source table."""
    found: dict[tuple[str, str], set[str]] = {}
    for source in data["sources"].values():
        columns = {name for name, col in source["columns"].items() if is_pii(col)}
        if columns:
            found[(source["schema"], source["identifier"])] = columns
    return found


def test_pii_columns_are_tagged_in_raw_and_staging(warehouse):
    data = manifest(warehouse.target_path)
    assert tagged_source_columns(data).get(("raw", "customers")) == PII_COLUMNS
    untagged = []
    for node in data["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] == MARTS_SCHEMA:
            continue
        for name, column in node["columns"].items():
            if name.removeprefix("src_") in PII_COLUMNS and not is_pii(column):
                untagged.append(f"{node['name']}.{name}")
    assert not untagged, f"PII columns without meta pii: true: {untagged}"


def test_no_mart_column_is_tagged_pii(warehouse):
    tagged = [
        f"{node['name']}.{name}"
        for node in manifest(warehouse.target_path)["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == MARTS_SCHEMA
        for name, column in node["columns"].items()
        if is_pii(column)
    ]
    assert not tagged


def pii_scan(database: Path, target_path: Path, schema: str,
             tables: list[str] | None = None) -> list[str]:
    """Columns of ``schema`` holding a raw PII value; each finding names table, column, value.

    Text columns: a value equal to a PII value (trimmed, any case), any value
    with an ``@`` (no mart has a reason to carry an e-mail-like text), or whose
    digits equal a phone's digits. Date and timestamp columns of per-customer
    tables: the customer's own birth date. Numbers cannot hold these values.
    """
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(database)])
    sources = tagged_source_columns(manifest(target_path))
    con.execute("create temp table pii_values (source_column varchar, value varchar)")
    con.execute("create temp table pii_phone_digits (digits varchar)")
    con.execute("create temp table pii_dates (customer_id varchar, value varchar)")
    for (source_schema, table), columns in sources.items():
        for column in sorted(columns):
            con.execute(
                f'insert into pii_values select distinct ?, lower(trim("{column}")) '
                f'from wh."{source_schema}"."{table}" where nullif(trim("{column}"), \'\') '
                "is not null",
                [f"{source_schema}.{table}.{column}"],
            )
            if column.endswith("_date"):
                con.execute(
                    f'insert into pii_dates select trim(customer_id), trim("{column}") '
                    f'from wh."{source_schema}"."{table}" where "{column}" is not null'
                )
            if "phone" in column:
                con.execute(
                    "insert into pii_phone_digits select distinct "
                    f"regexp_replace(\"{column}\", '[^0-9]', '', 'g') "
                    f'from wh."{source_schema}"."{table}" '
                    f"where length(regexp_replace(\"{column}\", '[^0-9]', '', 'g')) >= 7"
                )
    counts = con.execute("select count(*) from pii_values").fetchone()[0]
    assert counts > 100, f"only {counts} raw PII values found: the scan would prove nothing"
    columns = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = 'wh' and table_schema = ? order by all",
        [schema],
    ).fetchall()
    table_columns = {(table, column) for table, column, _ in columns}
    findings: list[str] = []
    for table, column, data_type in columns:
        if tables is not None and table not in tables:
            continue
        ref = f'wh."{schema}"."{table}"."{column}"'
        if data_type == "VARCHAR":
            text = f"lower(trim({ref}))"
            condition = (
                f"{text} in (select value from pii_values) or {ref} like '%@%' "
                f"or regexp_replace({ref}, '[^0-9]', '', 'g') "
                "in (select digits from pii_phone_digits)"
            )
        elif data_type == "DATE" or data_type.startswith("TIMESTAMP"):
            # A date is personal only next to the person: a customer's own birth
            # date in their row (a calendar mart holds every date, rightly).
            if (table, "customer_id") not in table_columns:
                continue
            condition = (
                f"exists (select 1 from pii_dates where pii_dates.customer_id = "
                f'wh."{schema}"."{table}".customer_id and pii_dates.value = '
                f"strftime(cast({ref} as date), '%Y-%m-%d'))"
            )
        else:
            continue
        hit = con.execute(
            f'select cast({ref} as varchar), count(*) over () from wh."{schema}"."{table}" '
            f"where {condition} limit 1"
        ).fetchone()
        if hit:
            findings.append(f"{schema}.{table}.{column}: {hit[1]} rows, e.g. {hit[0]!r}")
    return findings


def test_the_scan_finds_pii_where_it_is(warehouse):
    # Positive control: staging keeps the PII, so the scan must report those columns.
    findings = pii_scan(warehouse.database, warehouse.target_path, "staging",
                        tables=["stg_raw__customers"])
    found = {f.split(":")[0].rsplit(".", 1)[-1] for f in findings}
    assert found >= PII_COLUMNS, findings


def test_no_raw_pii_value_reaches_any_mart(warehouse):
    findings = pii_scan(warehouse.database, warehouse.target_path, MARTS_SCHEMA)
    assert not findings, "raw PII values in marts:\n" + "\n".join(findings)


def test_email_hash_is_the_salted_sha256_of_the_email(warehouse):
    import hashlib

    from conftest import E2E_HASH_SALT

    rows = warehouse.query(
        "select d.email_hash, lower(trim(c.email)) from marts.dim_customers d "
        "join staging.stg_raw__customers c using (customer_id)"
    )
    with_email = [(h, e) for h, e in rows if e]
    assert len(with_email) > 100
    for email_hash, email in with_email:
        expected = hashlib.sha256(f"{E2E_HASH_SALT}|{email}".encode()).hexdigest()
        assert email_hash == expected, email
        # Keyed: not the plain hash a dictionary of addresses would reverse.
        assert email_hash != hashlib.sha256(email.encode()).hexdigest()
    assert all(h is None for h, e in rows if not e)
