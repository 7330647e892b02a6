"""Occasion segmentation end to end: planted personas, calendar coverage, upcoming occasions.

Runs on the session ``warehouse`` (generated data with planted personas, whole project
built). Expected values come from the raw files, the planted truth and the seeds, never
from the models under test. One tiny extra warehouse covers a country the occasion
calendar lacks (the generated data has none).
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.pipeline import PROJECT_ROOT

# Planted persona (generator truth) -> the occasion_persona it should get.
EXPECTED_PERSONA = {
    "holiday_shopper": "holiday_shopper",
    "birthday_treater": "birthday_treater",
    "gifter": "gifter",
    "bargain_hunter": "deal_seeker",
    "weekend_browser": "weekend_browser",
}
UPCOMING_TYPES = {
    "birthday",
    "first_purchase_anniversary",
    "loyalty_milestone_orders",
    "loyalty_milestone_value_tier",
    "holiday",
}
DEFAULT_HORIZON_DAYS = 30  # dbt_project.yml var upcoming_horizon_days
TRUE_WORDS = {"true", "1", "yes", "t", "y"}  # raw contract booleans
CALENDAR_SEED = PROJECT_ROOT / "seeds" / "occasion_calendar.csv"


def _raw(raw_dir: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(raw_dir / f"{table}.csv", dtype=str, keep_default_na=False)


def _as_of(warehouse) -> date:
    (value,) = warehouse.query("select max(as_of_date) from marts.upcoming_occasions")[0]
    if value is None:  # no upcoming occasion at all: read the date from another mart
        (value,) = warehouse.query("select max(as_of_date) from marts.customer_occasions")[0]
    return value


def _utc(text: str) -> datetime:
    """Raw-contract timestamp -> naive UTC (no offset means UTC)."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _birthday_in(year: int, birth: date) -> date:
    """The rule under test, restated: 29 February is celebrated on 28 February in common years."""
    try:
        return birth.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


# ---------------------------------------------------------------------------------------------
# Personas
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def persona_crosstab(warehouse) -> pd.DataFrame:
    truth = pd.read_csv(warehouse.raw_dir / "truth" / "customer_personas.csv", dtype=str)
    assigned = warehouse.frame("select customer_id, occasion_persona from marts.customer_occasions")
    both = truth.merge(assigned, on="customer_id", how="left", validate="one_to_one")
    assert both["occasion_persona"].notna().all(), "planted customers not in customer_occasions"
    table = pd.crosstab(both["persona"], both["occasion_persona"], margins=True)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\nplanted persona x occasion_persona\n" + table.to_string())
    return table


@pytest.mark.parametrize("planted", sorted(EXPECTED_PERSONA))
def test_planted_personas_mostly_get_the_matching_occasion_persona(
    persona_crosstab: pd.DataFrame, planted: str
) -> None:
    expected = EXPECTED_PERSONA[planted]
    members = persona_crosstab.loc[planted, "All"]
    matched = persona_crosstab.loc[planted].get(expected, 0)
    assert members > 0
    assert matched / members > 0.5, f"{planted}: {matched}/{members} got {expected}"


@pytest.mark.parametrize("planted", sorted(EXPECTED_PERSONA))
def test_occasion_personas_are_mostly_their_planted_members(
    persona_crosstab: pd.DataFrame, planted: str
) -> None:
    # Precision: a persona handed out to everyone would pass the recall test above.
    expected = EXPECTED_PERSONA[planted]
    assigned = persona_crosstab.loc["All", expected]
    matched = persona_crosstab.loc[planted, expected]
    assert matched / assigned > 0.5, f"{expected}: only {matched}/{assigned} are {planted}"


def test_customers_without_orders_are_no_purchases(warehouse) -> None:
    truth = pd.read_csv(warehouse.raw_dir / "truth" / "customer_personas.csv", dtype=str)
    prospects = set(truth.loc[truth["persona"] == "prospect", "customer_id"])
    rows = warehouse.frame("select customer_id, occasion_persona, holiday_order_share "
                           "from marts.customer_occasions")
    prospect_rows = rows[rows["customer_id"].isin(prospects)]
    assert len(prospect_rows) == len(prospects)
    assert (prospect_rows["occasion_persona"] == "no_purchases").all()
    assert prospect_rows["holiday_order_share"].isna().all()


# ---------------------------------------------------------------------------------------------
# Orders and the calendar
# ---------------------------------------------------------------------------------------------


def test_calendar_covers_every_country_in_the_generated_data(warehouse) -> None:
    with CALENDAR_SEED.open(newline="") as handle:
        calendar_countries = {row["country_code"] for row in csv.DictReader(handle)}
    used = warehouse.query(
        "select distinct country_code from staging.stg_raw__customers "
        "where country_code != 'unknown' "
        "union select distinct shipping_country_code from marts.fct_orders "
        "where shipping_country_code != 'unknown'"
    )
    missing = {code for (code,) in used} - calendar_countries
    assert used and not missing, f"countries without calendar rows: {sorted(missing)}"
    (uncovered,) = warehouse.query(
        "select count(*) from marts.fct_orders where not has_occasion_calendar")[0]
    assert uncovered == 0


def test_local_dates_stay_within_a_day_of_utc(warehouse) -> None:
    rows = warehouse.query(
        "select min(order_date_local - order_date), max(order_date_local - order_date), "
        "count(*) filter (where order_date_local != order_date) from marts.fct_orders"
    )
    low, high, shifted = rows[0]
    assert low >= -1 and high <= 1
    # Generated customers live from UTC-5 to UTC+13: some orders must change day.
    assert shifted > 0


# ---------------------------------------------------------------------------------------------
# A country the calendar lacks: a tiny raw directory on its own warehouse
# ---------------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def no_calendar_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Mongolia (in the countries seed, not in occasion_calendar), no country, and GB."""
    out = tmp_path_factory.mktemp("raw_no_calendar")
    _write_csv(out / "customers.csv",
               ["customer_id", "birth_date", "country", "marketing_opt_in", "signup_at"],
               [["M1", "1990-12-22", "Mongolia", "true", "2024-01-01 00:00:00"],
                ["U1", "", "", "", "2024-01-01 00:00:00"],
                ["G1", "1985-03-01", "United Kingdom", "false", "2024-01-01 00:00:00"]])
    orders = [
        # 20 December: the Christmas window wherever the calendar has one
        ["MN1", "M1", "2024-12-20 10:00:00", "Mongolia"],
        ["MN2", "M1", "2025-01-10 20:00:00", "Mongolia"],  # 04:00 on 11 January in Ulaanbaatar
        ["MN3", "M1", "2025-02-01 10:00:00", "Mongolia"],
        ["UN1", "U1", "2024-12-20 10:00:00", "Mongolia"],  # no profile country: shipping
        ["UN2", "U1", "2025-01-05 10:00:00", ""],  # no country at all: UTC
        ["GB1", "G1", "2024-12-20 10:00:00", "United Kingdom"],
        ["GB2", "G1", "2025-02-01 10:00:00", "United Kingdom"],
        ["GU1", "", "2024-12-20 10:00:00", "Mongolia"],  # guest
    ]
    _write_csv(out / "orders.csv",
               ["order_id", "customer_id", "ordered_at", "status", "shipping_country"],
               [[o, c, t, "completed", s] for o, c, t, s in orders])
    _write_csv(out / "order_items.csv",
               ["order_item_id", "order_id", "product_id", "quantity", "unit_price"],
               [[f"I{i}", order[0], "P1", "1", "10.00"] for i, order in enumerate(orders)])
    _write_csv(out / "products.csv", ["product_id", "product_name", "category", "list_price"],
               [["P1", "Mug", "kitchen", "10.00"]])
    return out


@pytest.fixture(scope="module")
def no_calendar_warehouse(warehouse_factory, no_calendar_raw_dir: Path):
    # Seeds only, then just the occasion models and their parents: the other marts'
    # data tests (segment sizes, clustering) are not meant for an 8-order data set.
    built = warehouse_factory(no_calendar_raw_dir, command="seed")
    built.dbt("build", "--select", "+fct_orders", "+customer_occasions", "+upcoming_occasions",
              "--indirect-selection", "cautious")
    return built


def test_orders_of_a_country_without_calendar_are_kept_and_flagged(no_calendar_warehouse) -> None:
    rows = no_calendar_warehouse.frame(
        "select order_id, occasion_country_code, has_occasion_calendar, occasion_name, "
        "is_holiday_window, order_date_local, season from marts.fct_orders"
    ).set_index("order_id")
    assert sorted(rows.index) == sorted(["MN1", "MN2", "MN3", "UN1", "UN2", "GB1", "GB2", "GU1"])
    flagged = {"MN1", "MN2", "MN3", "UN1", "UN2", "GU1"}
    assert not rows.loc[sorted(flagged), "has_occasion_calendar"].any()
    assert rows.loc[sorted(flagged), "occasion_name"].isna().all()
    assert rows.loc[["MN1", "UN1", "GU1"], "occasion_country_code"].eq("MN").all()
    assert pd.isna(rows.loc["UN2", "occasion_country_code"])
    assert rows.loc["UN2", "season"] == "unknown"
    # Ulaanbaatar is UTC+8: 20:00 UTC is the next local day.
    assert rows.loc["MN2", "order_date_local"].date() == date(2025, 1, 11)
    # The same date in GB is in the Christmas window.
    assert rows.loc["GB1", "has_occasion_calendar"]
    assert rows.loc["GB1", "occasion_name"] == "christmas_day"
    assert rows.loc["GB1", "is_holiday_window"]


def test_customers_of_a_country_without_calendar_get_a_persona(no_calendar_warehouse) -> None:
    rows = dict(no_calendar_warehouse.query(
        "select customer_id, occasion_persona from marts.customer_occasions"))
    assert set(rows) == {"M1", "U1", "G1"}
    # M1: 3 orders, 20 December is 2 days from their 22 December birthday.
    assert rows["M1"] == "birthday_treater"
    assert all(rows.values())


# ---------------------------------------------------------------------------------------------
# Upcoming occasions
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upcoming(warehouse) -> pd.DataFrame:
    frame = warehouse.frame("select * from marts.upcoming_occasions")
    # DuckDB hands dates to pandas as timestamps: compare them as dates.
    for column in ("as_of_date", "occasion_date"):
        frame[column] = frame[column].dt.date
    return frame


def test_upcoming_days_until_are_in_the_horizon(warehouse, upcoming: pd.DataFrame) -> None:
    horizon = int(warehouse.vars.get("upcoming_horizon_days", DEFAULT_HORIZON_DAYS))
    as_of = _as_of(warehouse)
    assert len(upcoming) > 0
    assert upcoming["days_until"].between(1, horizon).all()
    recomputed = upcoming["occasion_date"].map(lambda d: (d - as_of).days)
    assert (recomputed == upcoming["days_until"]).all()
    assert set(upcoming["occasion_type"]) <= UPCOMING_TYPES
    # Robust on any generated data set: each is hundreds of rows with the session data.
    assert {"birthday", "first_purchase_anniversary", "holiday"} <= set(upcoming["occasion_type"])
    keys = ["customer_id", "occasion_type", "occasion_name", "occasion_date"]
    assert not upcoming.duplicated(keys).any()


def test_is_contactable_matches_the_raw_opt_in(warehouse, upcoming: pd.DataFrame) -> None:
    customers = _raw(warehouse.raw_dir, "customers")
    opted_in = dict(zip(customers["customer_id"],
                        customers["marketing_opt_in"].str.strip().str.lower().isin(TRUE_WORDS),
                        strict=True))
    expected = upcoming["customer_id"].map(lambda c: opted_in.get(c, False))
    assert (upcoming["is_contactable"] == expected).all()
    assert upcoming["is_contactable"].any() and not upcoming["is_contactable"].all()


def test_upcoming_birthdays_match_the_raw_birth_dates(warehouse, upcoming: pd.DataFrame) -> None:
    horizon = int(warehouse.vars.get("upcoming_horizon_days", DEFAULT_HORIZON_DAYS))
    as_of = _as_of(warehouse)
    as_of_start = datetime(as_of.year, as_of.month, as_of.day)
    customers = _raw(warehouse.raw_dir, "customers")
    expected: set[tuple[str, date]] = set()
    for row in customers.itertuples():
        if not row.birth_date or (row.signup_at and _utc(row.signup_at) >= as_of_start):
            continue
        birth = date.fromisoformat(row.birth_date)
        for year in (as_of.year, as_of.year + 1):
            day = _birthday_in(year, birth)
            if year > birth.year and as_of < day <= as_of + timedelta(days=horizon):
                expected.add((row.customer_id, day))
    birthdays = upcoming[upcoming["occasion_type"] == "birthday"]
    actual = set(zip(birthdays["customer_id"], birthdays["occasion_date"], strict=True))
    assert actual == expected


def test_upcoming_holidays_were_shopped_for_before(warehouse, upcoming: pd.DataFrame) -> None:
    calendar = pd.read_csv(CALENDAR_SEED, dtype={"window_days": int}, parse_dates=["occasion_date"])
    calendar["occasion_date"] = calendar["occasion_date"].dt.date
    orders = warehouse.frame(
        "select customer_id, order_date_local from marts.fct_orders where is_qualifying")
    orders["order_date_local"] = orders["order_date_local"].dt.date
    by_customer = orders.groupby("customer_id")["order_date_local"].apply(set).to_dict()
    holidays = upcoming[upcoming["occasion_type"] == "holiday"]
    assert len(holidays) > 0
    for row in holidays.itertuples():
        earlier = calendar[(calendar["country_code"] == row.country_code)
                           & (calendar["occasion_name"] == row.occasion_name)
                           & (calendar["occasion_date"] < row.occasion_date)]
        pairs = zip(earlier["occasion_date"], earlier["window_days"], strict=True)
        window_days = {occasion - timedelta(days=k) for occasion, width in pairs
                       for k in range(width + 1)}
        assert window_days & by_customer.get(row.customer_id, set()), (
            f"{row.customer_id} never bought for {row.occasion_name} in {row.country_code}")
