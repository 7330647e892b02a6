"""Reference seeds: determinism, alias integrity, UCI coverage and known occasion dates.

Expected dates and codes are literal facts (calendars, ISO 3166), never recomputed with
the code under test.
"""

from __future__ import annotations

import subprocess
import sys
import zoneinfo
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "generate_reference_seeds.py"
SEEDS = PROJECT_ROOT / "seeds"
SEED_FILES = ("countries.csv", "country_aliases.csv", "occasion_calendar.csv")


def read_seed(name: str) -> pd.DataFrame:
    # Only empty fields are empty: "NA" is Namibia, not a missing value.
    return pd.read_csv(SEEDS / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return read_seed("countries.csv")


@pytest.fixture(scope="module")
def aliases() -> pd.DataFrame:
    return read_seed("country_aliases.csv")


@pytest.fixture(scope="module")
def occasions() -> pd.DataFrame:
    return read_seed("occasion_calendar.csv")


def occasion_date(occasions: pd.DataFrame, country: str, name: str, year: int) -> list[str]:
    hit = occasions[
        (occasions.country_code == country)
        & (occasions.occasion_name == name)
        & occasions.occasion_date.str.startswith(str(year))
    ]
    return hit.occasion_date.tolist()


def generate(out: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True,
                   capture_output=True, text=True)


def test_script_is_deterministic_and_committed_seeds_are_fresh(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    generate(first)
    generate(second)
    generate(second)  # re-running over existing files changes nothing
    for name in SEED_FILES:
        fresh = (first / name).read_bytes()
        assert fresh == (second / name).read_bytes(), name
        assert fresh == (SEEDS / name).read_bytes(), (
            f"seeds/{name} is stale: run scripts/generate_reference_seeds.py"
        )


def test_seed_sizes_stay_small() -> None:
    for name in SEED_FILES:
        assert (SEEDS / name).stat().st_size < 5_000_000, name


def test_countries_are_unique_iso_rows(countries: pd.DataFrame) -> None:
    assert countries.country_code.is_unique
    assert countries.country_alpha3.is_unique
    assert countries.country_code.tolist() == sorted(countries.country_code)
    assert countries.country_code.str.fullmatch("[A-Z]{2}").all()
    assert countries.country_alpha3.str.fullmatch("[A-Z]{3}").all()
    assert set(countries.continent) <= {
        "Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America"
    }
    assert set(countries.hemisphere) == {"northern", "southern"}
    assert set(countries.holiday_calendar_supported) <= {"true", "false"}
    # Antarctica is the only country without a currency.
    assert countries.loc[countries.currency_code == "", "country_code"].tolist() == ["AQ"]
    assert countries.currency_code.str.fullmatch("([A-Z]{3})?").all()


def test_countries_cover_iso_facts(countries: pd.DataFrame) -> None:
    by_code = countries.set_index("country_code")
    # ISO 3166-1 alpha-3 codes (the holidays registry spells some differently).
    expected_alpha3 = {
        "GB": "GBR", "US": "USA", "DE": "DEU", "BG": "BGR", "BH": "BHR", "GT": "GTM",
        "MA": "MAR", "SZ": "SWZ", "VU": "VUT", "IE": "IRL", "ZA": "ZAF", "CH": "CHE",
    }
    for code, alpha3 in expected_alpha3.items():
        assert by_code.loc[code, "country_alpha3"] == alpha3, code
    assert by_code.loc["GB", "country_name"] == "United Kingdom"
    assert by_code.loc["GB", "region"] == "Northern Europe"
    assert by_code.loc["GB", "timezone"] == "Europe/London"
    assert by_code.loc["US", "timezone"] == "America/New_York"
    assert by_code.loc["AU", "timezone"] == "Australia/Sydney"
    assert by_code.loc["JP", "currency_code"] == "JPY"
    assert by_code.loc["BR", "continent"] == "South America"
    assert by_code.loc["CA", "continent"] == "North America"
    assert by_code.loc["NZ", "continent"] == "Oceania"


@pytest.mark.parametrize("code", ["AU", "NZ", "ZA", "BR", "AR", "CL"])
def test_southern_hemisphere(countries: pd.DataFrame, code: str) -> None:
    assert countries.set_index("country_code").loc[code, "hemisphere"] == "southern"


@pytest.mark.parametrize("code", ["GB", "US", "DE", "JP", "IN", "CA", "SG"])
def test_northern_hemisphere(countries: pd.DataFrame, code: str) -> None:
    assert countries.set_index("country_code").loc[code, "hemisphere"] == "northern"


def test_timezones_are_iana_zones(countries: pd.DataFrame) -> None:
    for zone in countries.timezone:
        zoneinfo.ZoneInfo(zone)  # raises on an unknown zone


def test_aliases_are_unique_normalised_and_known(
    aliases: pd.DataFrame, countries: pd.DataFrame
) -> None:
    assert aliases.alias.is_unique
    assert aliases.alias.tolist() == sorted(aliases.alias)
    normalised = aliases.alias.map(lambda a: " ".join(a.split()).lower())
    assert (normalised == aliases.alias).all()
    assert set(aliases.country_code) - {""} <= set(countries.country_code)
    # Every code, alpha-3 and name is an alias of its own country.
    lookup = dict(zip(aliases.alias, aliases.country_code, strict=True))
    for row in countries.itertuples():
        for text in (row.country_code, row.country_alpha3, row.country_name):
            assert lookup[text.lower()] == row.country_code, text


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("uk", "GB"), ("united kingdom", "GB"), ("great britain", "GB"), ("england", "GB"),
        ("channel islands", "GB"), ("usa", "US"), ("us", "US"),
        ("united states of america", "US"), ("eire", "IE"), ("republic of ireland", "IE"),
        ("rsa", "ZA"), ("south africa", "ZA"), ("deutschland", "DE"), ("holland", "NL"),
        ("czechia", "CZ"), ("czech republic", "CZ"), ("korea", "KR"), ("na", "NA"),
        ("hong kong", "HK"), ("united arab emirates", "AE"), ("jersey", "JE"),
        ("european community", ""), ("unspecified", ""), ("unknown", ""), ("n/a", ""),
    ],
)
def test_known_aliases(aliases: pd.DataFrame, alias: str, code: str) -> None:
    assert dict(zip(aliases.alias, aliases.country_code, strict=True))[alias] == code


def test_every_uci_country_resolves(aliases: pd.DataFrame, uci_export: Path) -> None:
    names = pd.read_csv(uci_export, usecols=["Country"], dtype=str, keep_default_na=False)
    distinct = set(names.Country)
    assert len(distinct) == 38
    known = set(aliases.alias)
    missing = sorted(n for n in distinct if " ".join(n.split()).lower() not in known)
    assert missing == []


def test_occasion_calendar_shape(occasions: pd.DataFrame, countries: pd.DataFrame) -> None:
    key = ["country_code", "occasion_date", "occasion_name"]
    assert not occasions.duplicated(key).any()
    assert occasions[key].values.tolist() == sorted(occasions[key].values.tolist())
    assert set(occasions.country_code) <= set(countries.country_code)
    assert set(occasions.occasion_type) == {
        "celebratory", "gifting", "seasonal", "religious", "commercial", "public_holiday"
    }
    assert occasions.occasion_name.str.fullmatch("[a-z0-9]+(_[a-z0-9]+)*").all()
    assert occasions.window_days.str.fullmatch("[0-9]+").all()
    assert set(occasions.is_public_holiday) == {"true", "false"}
    years = occasions.occasion_date.str[:4].astype(int)
    assert years.min() == 2010
    assert years.max() == 2028
    assert (occasions.occasion_label != "").all()


def test_calendar_countries(occasions: pd.DataFrame) -> None:
    # UCI export countries (Channel Islands -> GB) plus the generator's countries.
    codes = (
        "AE AT AU BE BH BR CA CH CY CZ DE DK ES FI FR GB GR HK IE IL IN IS IT JP LB LT MT NL "
        "NO NZ PL PT SA SE SG US ZA"
    )
    expected = set(codes.split(" "))
    assert set(occasions.country_code) == expected


@pytest.mark.parametrize(
    ("country", "name", "year", "expected"),
    [
        ("GB", "mothers_day", 2024, "2024-03-10"),  # Mothering Sunday
        ("IE", "mothers_day", 2024, "2024-03-10"),
        ("US", "mothers_day", 2024, "2024-05-12"),
        ("FR", "mothers_day", 2024, "2024-05-26"),
        ("ES", "mothers_day", 2024, "2024-05-05"),
        ("AU", "fathers_day", 2024, "2024-09-01"),
        ("US", "fathers_day", 2024, "2024-06-16"),
        ("DE", "fathers_day", 2024, "2024-05-09"),  # Ascension Day
        ("IT", "fathers_day", 2024, "2024-03-19"),
        ("BR", "fathers_day", 2024, "2024-08-11"),
        ("US", "black_friday", 2024, "2024-11-29"),
        ("GB", "black_friday", 2024, "2024-11-29"),
        ("JP", "black_friday", 2024, "2024-11-29"),
        ("US", "cyber_monday", 2024, "2024-12-02"),
        ("US", "black_friday", 2011, "2011-11-25"),
        ("GB", "easter_sunday", 2024, "2024-03-31"),
        ("GR", "easter_sunday", 2024, "2024-05-05"),  # Orthodox Easter
        ("GB", "christmas_day", 2010, "2010-12-25"),
        ("GB", "lunar_new_year", 2024, "2024-02-10"),
        ("GB", "valentines_day", 2024, "2024-02-14"),
        ("BR", "valentines_day", 2024, "2024-06-12"),  # Dia dos Namorados
        ("GB", "back_to_school", 2024, "2024-08-15"),
        ("AU", "back_to_school", 2024, "2024-02-01"),
        ("IN", "diwali", 2024, "2024-10-31"),
    ],
)
def test_known_occasion_dates(
    occasions: pd.DataFrame, country: str, name: str, year: int, expected: str
) -> None:
    assert occasion_date(occasions, country, name, year) == [expected]


def test_public_holiday_merges_with_retail_occasion(occasions: pd.DataFrame) -> None:
    rows = occasions[(occasions.country_code == "GB") & (occasions.occasion_date == "2024-12-25")]
    assert rows.occasion_name.tolist() == ["christmas_day"]
    row = rows.iloc[0]
    assert (row.occasion_type, row.window_days, row.is_public_holiday) == (
        "gifting", "28", "true"
    )
    boxing = occasions[(occasions.country_code == "GB") & (occasions.occasion_date == "2024-12-26")]
    columns = ["occasion_name", "occasion_type", "window_days", "is_public_holiday"]
    assert boxing[columns].values.tolist() == [["boxing_day", "public_holiday", "3", "true"]]
    # England's bank holidays (GB uses England's calendar).
    gb = occasions[occasions.country_code == "GB"]
    assert "2024-04-01" in set(gb[gb.occasion_name == "easter_monday"].occasion_date)
    assert "2024-08-26" in set(gb[gb.occasion_name == "late_summer_bank_holiday"].occasion_date)


def test_windows_by_occasion(occasions: pd.DataFrame) -> None:
    windows = occasions.groupby("occasion_name").window_days.agg(set)
    expected = {
        "christmas_day": {"28"}, "mothers_day": {"14"}, "fathers_day": {"14"},
        "valentines_day": {"10"}, "black_friday": {"0"}, "cyber_monday": {"0"},
        "boxing_day": {"3"},
    }
    for name, window in expected.items():
        assert windows[name] == window, name
