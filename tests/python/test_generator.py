"""The synthetic data generator: contract shape, determinism, planted truth and faults."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.contract import TABLES, TABLES_BY_NAME
from customer_segmentation.generator import GeneratorConfig, generate
from customer_segmentation.generator.config import COUNTRIES, PERSONA_NAMES

N_CUSTOMERS = 1_500
# Small chunks so the tests cross chunk boundaries (ids, row offsets, appends).
CHUNK = 600
END = date(2026, 6, 30)
SOUTHERN = {c.code for c in COUNTRIES if c.southern}
COUNTRY_FORMS = {form.lower(): c.code for c in COUNTRIES for form in (c.code, c.alpha3, *c.names)}


def _make(root: Path, name: str, **kwargs: object) -> Path:
    out = root / name
    generate(
        GeneratorConfig(
            out=out, customers=N_CUSTOMERS, chunk_size=CHUNK, show_progress=False, **kwargs
        )  # type: ignore[arg-type]
    )
    return out


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gen")


@pytest.fixture(scope="module")
def clean(root: Path) -> Path:
    return _make(root, "clean", seed=7)


@pytest.fixture(scope="module")
def dirty(root: Path) -> Path:
    return _make(root, "dirty", seed=7, dirty=0.02)


def read(out: Path, table: str) -> pd.DataFrame:
    """Every value as text; empty fields stay '' (= NULL)."""
    path = out / f"{table}.csv"
    if path.exists():
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_parquet(out / f"{table}.parquet").fillna("").astype(str)


def _files(out: Path) -> list[Path]:
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


def test_same_seed_gives_identical_bytes(clean: Path, root: Path) -> None:
    again = _make(root, "again", seed=7)
    assert _files(clean) == _files(again)
    for rel in _files(clean):
        assert filecmp.cmp(clean / rel, again / rel, shallow=False), rel


def test_different_seed_differs(clean: Path, root: Path) -> None:
    other = _make(root, "other", seed=8)
    assert not filecmp.cmp(clean / "orders.csv", other / "orders.csv", shallow=False)


def test_every_contract_table_and_column_is_written(clean: Path) -> None:
    for table in TABLES:
        header = (clean / f"{table.name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table.column_names


def test_keys_unique_and_present_when_clean(clean: Path) -> None:
    for table in TABLES:
        df = read(clean, table.name)
        keys = [k.strip() for k in table.primary_key.split(",")]
        assert (df[keys] != "").all().all(), table.name
        assert not df.duplicated(keys).any(), table.name
    assert (read(clean, "truth/injected_faults").shape[0]) == 0


def test_ids_are_zero_padded(clean: Path) -> None:
    customers = read(clean, "customers")
    assert customers["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert customers["customer_id"].iloc[0] == "C0000001"


def test_personas_cover_every_customer(clean: Path) -> None:
    personas = read(clean, "truth/customer_personas")
    customers = read(clean, "customers")
    assert sorted(personas["customer_id"]) == sorted(customers["customer_id"])
    assert set(personas["persona"]) == set(PERSONA_NAMES)
    orders = read(clean, "orders")
    per_customer = orders[orders["customer_id"] != ""].groupby("customer_id").size()
    by_persona = personas.set_index("customer_id")["persona"]
    counts = per_customer.reindex(by_persona.index, fill_value=0)
    assert (counts[by_persona == "prospect"] == 0).all()
    assert (counts[by_persona == "one_and_done"] == 1).all()
    assert (counts[by_persona != "prospect"] >= 1).all()


def test_leap_day_birthdays_present(clean: Path) -> None:
    births = read(clean, "customers")["birth_date"]
    assert (births.str.endswith("-02-29")).sum() >= 1
    assert 0.75 < (births != "").mean() < 0.95


def test_both_hemispheres_present(clean: Path) -> None:
    codes = read(clean, "customers")["country"].str.strip().str.lower().map(COUNTRY_FORMS)
    assert codes.notna().all()
    assert codes.isin(SOUTHERN).any() and (~codes.isin(SOUTHERN)).any()


def test_nothing_after_end_date_and_orders_after_signup(clean: Path) -> None:
    orders = read(clean, "orders")
    at = pd.to_datetime(orders["ordered_at"], format="ISO8601", utc=True)
    assert at.max() < pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)
    customers = read(clean, "customers")
    signup = pd.to_datetime(customers["signup_at"], format="ISO8601", utc=True).set_axis(
        customers["customer_id"]
    )
    known = orders["customer_id"] != ""
    first = at[known].groupby(orders.loc[known, "customer_id"]).min()
    assert (first > signup.reindex(first.index)).all()


def test_parquet_holds_the_same_data_as_csv(clean: Path, root: Path) -> None:
    pq_out = _make(root, "parquet", seed=7, fmt="parquet")
    for table in TABLES:
        assert not (pq_out / f"{table.name}.csv").exists()
        pd.testing.assert_frame_equal(read(clean, table.name), read(pq_out, table.name))


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return "," not in v


def test_fault_truth_matches_the_files(dirty: Path) -> None:
    truth = read(dirty, "truth/injected_faults")
    assert len(truth) > 50
    assert not truth.duplicated(["table", "source_row"]).any(), "one fault per row"
    frames = {t: read(dirty, t) for t in truth["table"].unique()}
    order_ids = set(frames.get("orders", pd.DataFrame({"order_id": []}))["order_id"])
    for fault in truth.itertuples(index=False):
        df = frames[fault.table]
        row = df.iloc[int(fault.source_row) - 1]
        key_col = TABLES_BY_NAME[fault.table].primary_key.split(",")[0].strip()
        reason = fault.expected_reason
        if reason == "missing_key":
            assert row[key_col] == "", fault
            continue
        if fault.table != "fx_rates":
            assert row[key_col] == fault.row_key, fault
        if reason == "duplicate_key":
            same = (
                df[df[key_col] == fault.row_key]
                if fault.table != "fx_rates"
                else df[(df["currency"] + "|" + df["rate_date"]) == fault.row_key]
            )
            assert len(same) >= 2, fault
            if fault.table == "customers":
                stamps = pd.to_datetime(same["updated_at"], format="ISO8601", utc=True)
                mine = pd.to_datetime(row["updated_at"], format="ISO8601", utc=True)
                assert mine == stamps.min() and stamps.nunique() == len(stamps), fault
            else:
                assert (same.index < int(fault.source_row) - 1).any(), "later copy is the dup"
        elif reason == "unparseable_timestamp":
            column = "ordered_at" if fault.table == "orders" else "sent_at"
            assert pd.isna(pd.to_datetime(row[column], format="ISO8601", errors="coerce")), fault
        elif reason == "future_timestamp":
            assert row["ordered_at"].startswith("2099-"), fault
        elif reason == "unknown_currency":
            assert row["currency"] == "XYZ", fault
        elif reason == "unparseable_date":
            assert pd.isna(pd.to_datetime(row["birth_date"], format="%Y-%m-%d", errors="coerce"))
        elif reason == "orphan_order":
            assert row["order_id"] not in order_ids, fault
        elif reason == "negative_price":
            assert float(row["unit_price"]) < 0, fault
        elif reason == "unparseable_number":
            numeric = [
                c
                for c in ("quantity", "unit_price", "answer_score", "rate_to_reporting")
                if c in row.index
            ]
            assert not all(_is_number(row[c]) for c in numeric), fault
        else:
            pytest.fail(f"unexpected reason {reason}")


def test_fault_rate_is_about_the_requested_rate(dirty: Path) -> None:
    truth = read(dirty, "truth/injected_faults")
    items = read(dirty, "order_items")
    share = (truth["table"] == "order_items").sum() / len(items)
    assert 0.01 < share < 0.03


def test_dirty_run_keeps_the_clean_personas(clean: Path, dirty: Path) -> None:
    # Faults use their own random stream, so the underlying shop is unchanged.
    a = (clean / "truth" / "customer_personas.csv").read_bytes()
    b = (dirty / "truth" / "customer_personas.csv").read_bytes()
    assert a == b


def test_campaign_truth_has_a_zero_effect_campaign(clean: Path) -> None:
    campaigns = read(clean, "truth/campaigns")
    uplift = campaigns["planted_conversion_uplift"].astype(float)
    assert (uplift == 0).sum() == 1 and (uplift > 0).sum() >= 4
    sends = read(clean, "campaign_sends")
    assert set(sends["campaign_id"]) == set(campaigns["campaign_id"])
    assert 0.15 < (sends["variant"] == "control").mean() < 0.25
