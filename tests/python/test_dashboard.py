"""Dashboard: publish step, page numbers (pandas), and the served app in headless Chromium.

Browser checks compare what each page shows with SQL on the warehouse the marts
were published from (never with the dashboard's own pandas code), and save a
screenshot per page under target/screenshots.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from browser_support import chromium, free_port, save_screenshot, wait_for

from customer_segmentation import pipeline
from customer_segmentation.dashboard import views
from customer_segmentation.dashboard.data import NothingPublished, open_marts
from customer_segmentation.publish import (
    CURRENT,
    PublishError,
    current_version,
    publish_marts,
)

# --- publish -----------------------------------------------------------------------------


def _warehouse(path: Path, rows: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        con.execute(f"create or replace table marts.customer_rfm as "
                    f"select range as customer_id from range({rows})")
        con.execute("create or replace table staging.not_a_mart as select 1 as x")
    return path


def test_publish_exports_every_mart_and_swaps_current(tmp_path: Path) -> None:
    database = _warehouse(tmp_path / "wh.duckdb", 3)
    root = tmp_path / "published"
    first = publish_marts(database, root, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert first.tables == {"customer_rfm": 3}
    assert (root / CURRENT).is_symlink() and current_version(root) == first.path.resolve()
    assert len(pd.read_parquet(first.path / "customer_rfm.parquet")) == 3

    _warehouse(database, 5)
    second = publish_marts(database, root, now=datetime(2026, 1, 2, tzinfo=UTC))
    assert current_version(root) == second.path.resolve()
    # A reader that resolved the old version before the swap can still read it.
    assert len(pd.read_parquet(first.path / "customer_rfm.parquet")) == 3
    assert open_marts(root).row_counts == {"customer_rfm": 5}
    assert not list(root.glob(".*partial")), "no half-written version left behind"


def test_publish_exports_mart_views_too(tmp_path: Path) -> None:
    """A mart materialised as a view (segment_memberships) is published like a table."""
    database = _warehouse(tmp_path / "wh.duckdb", 3)
    with duckdb.connect(str(database)) as con:
        con.execute("create view marts.top_customers as "
                    "select * from marts.customer_rfm where customer_id < 2")
    published = publish_marts(database, tmp_path / "published")
    assert published.tables == {"customer_rfm": 3, "top_customers": 2}
    assert len(pd.read_parquet(published.path / "top_customers.parquet")) == 2


def test_publish_keeps_the_newest_versions_only(tmp_path: Path) -> None:
    database = _warehouse(tmp_path / "wh.duckdb", 1)
    root = tmp_path / "published"
    paths = [publish_marts(database, root, keep=2, now=datetime(2026, 1, d, tzinfo=UTC)).path
             for d in (1, 2, 3)]
    assert sorted(p.name for p in root.glob("v*")) == [paths[1].name, paths[2].name]


def test_failed_publish_leaves_current_untouched(tmp_path: Path) -> None:
    root = tmp_path / "published"
    good = publish_marts(_warehouse(tmp_path / "wh.duckdb", 2), root)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="no tables in schema 'marts'"):
        publish_marts(empty, root)
    with pytest.raises(PublishError, match="does not exist"):
        publish_marts(tmp_path / "missing.duckdb", root)
    assert current_version(root) == good.path.resolve()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


def test_publish_script_publishes_and_names_what_failed(tmp_path: Path) -> None:
    database = _warehouse(tmp_path / "wh.duckdb", 4)
    root = tmp_path / "published"
    ok = subprocess.run(pipeline.python_script("publish_marts.py", "--database", str(database),
                                               "--out", str(root)),
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert open_marts(root).row_counts == {"customer_rfm": 4}
    missing = subprocess.run(pipeline.python_script("publish_marts.py", "--database",
                                                    str(tmp_path / "nope.duckdb"), "--out",
                                                    str(root)),
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 1
    assert f"publish failed: warehouse {tmp_path / 'nope.duckdb'} does not exist" in missing.stderr


def test_nothing_published_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NothingPublished, match="make demo"):
        open_marts(tmp_path)


# --- page numbers --------------------------------------------------------------------------


@pytest.fixture
def customers() -> pd.DataFrame:
    dim = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"],
        "country_code": ["GB", "GB", "FR", "unknown"],
        "customer_type": ["consumer", "business", "consumer", "consumer"],
        "net_revenue": [100.0, 300.0, 0.0, 600.0],
    })
    rfm = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"], "recency_days": [1, 2, None, 4],
        "frequency": [1, 2, 0, 4], "monetary": [100, 300, 0, 600],
        "r_score": [5, 5, None, 1], "f_score": [1, 1, None, 5], "m_score": [1, 2, None, 5],
        "rfm_cell": ["511", "512", None, "155"],
        "rfm_segment": ["new", "new", "prospect", "cant_lose_them"],
    })
    return views.customer_frame(dim, rfm)


def test_segment_sizes_count_customers_and_share_revenue(customers: pd.DataFrame) -> None:
    sizes = views.segment_sizes(customers, "rfm_segment").set_index("segment")
    assert sizes["customers"].to_dict() == {"new": 2, "cant_lose_them": 1, "prospect": 1}
    assert sizes.loc["new", "revenue"] == 400.0
    assert sizes.loc["new", "share_of_customers"] == 0.5
    assert sizes.loc["cant_lose_them", "share_of_revenue"] == 0.6
    assert sizes["share_of_revenue"].sum() == pytest.approx(1.0)


def test_filters_combine_country_type_and_segment(customers: pd.DataFrame) -> None:
    gb = views.apply_filters(customers, views.Filters(countries=("GB",)))
    assert sorted(gb["customer_id"]) == ["a", "b"]
    both = views.apply_filters(customers, views.Filters(countries=("GB",),
                                                        customer_types=("consumer",)))
    assert list(both["customer_id"]) == ["a"]
    seg = views.apply_filters(customers, views.Filters(segments=("new", "prospect")))
    assert sorted(seg["customer_id"]) == ["a", "b", "c"]
    assert len(views.apply_filters(customers, views.Filters())) == 4


def test_rf_heatmap_has_r5_on_top_and_counts_scored_customers(customers: pd.DataFrame) -> None:
    grid = views.rf_heatmap(customers)
    assert list(grid.index) == [5, 4, 3, 2, 1] and list(grid.columns) == [1, 2, 3, 4, 5]
    assert grid.loc[5, 1] == 2 and grid.loc[1, 5] == 1 and grid.to_numpy().sum() == 3


def test_sankey_links_keep_start_and_end_nodes_apart() -> None:
    migration = pd.DataFrame({
        "segment_type": ["rfm_segment"] * 3 + ["value_tier"],
        "from_segment": ["new", "new", "lost", "top"],
        "to_segment": ["new", "lost", "lost", "top"],
        "customers": [5, 2, 0, 9],
    })
    labels, links = views.sankey_links(migration, "rfm_segment")
    assert labels == ["new (start)", "lost (end)", "new (end)"]
    assert links.to_dict("records") == [
        {"source": 0, "target": 2, "customers": 5}, {"source": 0, "target": 1, "customers": 2}]


def test_occasions_by_week_starts_weeks_on_monday(customers: pd.DataFrame) -> None:
    upcoming = pd.DataFrame({
        "customer_id": ["a", "a", "b", "zz"],
        "occasion_type": ["birthday", "holiday", "birthday", "birthday"],
        "occasion_date": pd.to_datetime(["2026-07-05", "2026-07-06", "2026-07-01",
                                         "2026-07-01"]).date,
        "is_contactable": [True, False, True, True],
    })
    weekly = views.occasions_by_week(upcoming, customers)
    assert weekly.to_dict("records") == [
        {"week_start": pd.Timestamp("2026-06-29").date(), "occasion_type": "birthday",
         "occasions": 2, "contactable": 2},
        {"week_start": pd.Timestamp("2026-07-06").date(), "occasion_type": "holiday",
         "occasions": 1, "contactable": 0},
    ]


def test_lift_table_keeps_the_all_segment_row() -> None:
    lift = pd.DataFrame({"campaign_id": ["c1"] * 3, "segment": ["all", "new", "lost"],
                         "variant": ["A"] * 3, "conversion_lift": [0.1, 0.2, 0.0]})
    assert list(views.lift_table(lift, ("new",))["segment"]) == ["all", "new"]


# --- the served dashboard in headless Chromium ----------------------------------------------

# The first page is the default: served at "/" (Streamlit ignores its url_path).
SEGMENTS_PAGE = ""


@contextmanager
def dashboard_server(published_root: Path) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free localhost port, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "PUBLISHED_MARTS_DIR": str(published_root)}
    log = published_root.parent / f"streamlit-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(pipeline.VENV_BIN / "streamlit"), "run", "dashboard/app.py",
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--client.toolbarMode", "minimal"],
            cwd=pipeline.PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(url) or process.poll() is not None, 60,
                 f"streamlit on {url} (log {log})")
        assert process.poll() is None, f"streamlit exited: {log.read_text()[-2000:]}"
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def metrics(driver: Any) -> dict[str, int]:
    """Every st.metric on the page: label -> value as an integer."""
    shown = {}
    for metric in driver.find_elements("css selector", "[data-testid='stMetric']"):
        label = metric.find_element("css selector", "[data-testid='stMetricLabel']").text
        value = metric.find_element("css selector", "[data-testid='stMetricValue']").text
        shown[label.strip()] = int(value.replace(",", ""))
    return shown


def table_rows(driver: Any) -> dict[str, list[str]]:
    """First st.table on the page: first cell -> the other cells."""
    rows = {}
    for row in driver.find_elements("css selector", "[data-testid='stTable'] tbody tr"):
        cells = [c.text for c in row.find_elements("css selector", "th, td")]
        rows[cells[0]] = cells[1:]
    return rows


def open_page(driver: Any, url: str, page: str, *expect: str, click: bool = False) -> str:
    """Show a page and wait until it shows every text in ``expect`` (header, metric labels).

    ``click`` follows the sidebar link as a person would (no reload of the app);
    otherwise the page is loaded by URL.
    """
    if click:
        links = [link for link in driver.find_elements(
            "css selector", "[data-testid='stSidebarNavLink']")
            if (link.get_attribute("href") or "").rstrip("/").endswith(f"/{page}")]
        assert links, f"no sidebar link to /{page}"
        links[0].click()
    else:
        driver.get(f"{url}/{page}")

    def ready() -> str | None:
        text = driver.find_element("tag name", "body").text
        running = driver.find_elements("css selector", "[data-testid='stStatusWidget'] img")
        shown = all(part in text for part in expect)
        return text if shown and not running else None

    text = wait_for(ready, 60, f"page /{page} to show {list(expect)}")
    assert "Page not found" not in text, f"/{page} is not a page of the dashboard"
    return text


@pytest.fixture(scope="module")
def published(warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dashboard") / "published"
    publish_marts(warehouse.database, root)
    return root


def _marts(warehouse) -> set[str]:
    return {name for (name,) in warehouse.query(
        "select table_name from information_schema.tables where table_schema = 'marts'")}


def _scalar(warehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0][0] or 0)


@pytest.mark.e2e
def test_every_page_shows_the_numbers_in_the_marts(warehouse, published: Path) -> None:
    built = _marts(warehouse)
    with dashboard_server(published) as url, chromium() as driver:
        open_page(driver, url, SEGMENTS_PAGE, "Customers")
        shown = metrics(driver)
        assert shown["Customers"] == _scalar(warehouse, "select count(*) from marts.dim_customers")
        assert shown["Net revenue"] == round(float(warehouse.query(
            "select sum(net_revenue) from marts.dim_customers")[0][0]))
        expected = dict(warehouse.query(
            "select rfm_segment, count(*) from marts.customer_rfm group by 1"))
        rows = table_rows(driver)
        assert {segment: int(cells[0]) for segment, cells in rows.items()} == expected
        save_screenshot(driver, "dashboard_segments")

        open_page(driver, url, "rfm", "Recency by frequency", "Scored customers", click=True)
        assert metrics(driver)["Scored customers"] == _scalar(
            warehouse, "select count(*) from marts.customer_rfm where r_score is not null")
        save_screenshot(driver, "dashboard_rfm")

        checks = {
            "clusters": ("Cluster profiles", "cluster_profiles", "Clusters",
                         "select count(*) from marts.cluster_profiles"),
            "migration": ("Segment migration", "segment_migration", "Customers compared",
                          "select sum(customers) from marts.segment_migration where "
                          "segment_type = (select min(segment_type) from marts.segment_migration)"),
            "occasions": ("Upcoming occasions by week", "upcoming_occasions",
                          "Upcoming occasions", "select count(*) from marts.upcoming_occasions"),
            "lift": ("Campaign lift", "campaign_lift", "Campaign variants",
                     "select count(*) from marts.campaign_lift"),
        }
        for page, (header, mart, label, sql) in checks.items():
            if mart in built:
                open_page(driver, url, page, header, label, click=True)
                wait_for(lambda label=label: label in metrics(driver), 30, f"metric {label}")
                assert metrics(driver)[label] == _scalar(warehouse, sql), page
                if page == "occasions":
                    assert metrics(driver)["Contactable"] == _scalar(
                        warehouse,
                        "select count(*) from marts.upcoming_occasions where is_contactable")
            else:
                # The note names the mart: a stale note of the previous page cannot match.
                open_page(driver, url, page, header, f"marts.{mart} not built", click=True)
            save_screenshot(driver, f"dashboard_{page}")

        # Filters from the URL: one country and one customer type.
        country, customer_type = warehouse.query(
            "select country_code, customer_type from marts.dim_customers "
            "group by 1, 2 order by count(*) desc limit 1")[0]
        open_page(driver, url, f"?country={country}&customer_type={customer_type}",
                  "Customers")
        assert metrics(driver)["Customers"] == _scalar(
            warehouse, "select count(*) from marts.dim_customers "
            f"where country_code = '{country}' and customer_type = '{customer_type}'")
        save_screenshot(driver, "dashboard_segments_filtered")


@pytest.mark.e2e
def test_dashboard_keeps_serving_while_dbt_build_and_publish_run(
        warehouse, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`dbt build` of the marts, then a publish, while a browser keeps loading pages."""
    workdir = tmp_path_factory.mktemp("dashboard_rebuild")
    database = workdir / "warehouse.duckdb"
    shutil.copy(warehouse.database, database)
    root = workdir / "published"
    first = publish_marts(database, root)
    customers = _scalar(warehouse, "select count(*) from marts.dim_customers")
    env = pipeline.dbt_env(database, extra={"DBT_LOG_PATH": str(workdir / "logs")})
    with dashboard_server(root) as url, chromium() as driver:
        build_log = (workdir / "build.log").open("w")
        # The marts this page reads, rebuilt and tested: dbt takes the warehouse's write
        # lock and replaces both tables while the page is open. (A full build behaves the
        # same for the dashboard, which never opens the warehouse, and takes minutes here.)
        build = subprocess.Popen(pipeline.dbt("build", "--select", "dim_customers",
                                              "customer_rfm", target_path=workdir / "target"),
                                 cwd=pipeline.PROJECT_ROOT, env=env, stdout=build_log,
                                 stderr=subprocess.STDOUT)
        loads = 0
        try:
            while build.poll() is None:
                open_page(driver, url, SEGMENTS_PAGE, "Customers")
                assert metrics(driver)["Customers"] == customers
                loads += 1
                time.sleep(2)  # a person reloading, not a load test: leave the cores to dbt
        finally:
            if build.poll() is None:
                build.terminate()
            build.wait()
            build_log.close()
        log = (workdir / "build.log").read_text()
        assert build.returncode == 0, f"dbt build failed while the dashboard ran:\n{log[-3000:]}"
        assert loads >= 2, f"only {loads} page loads during the build"
        second = publish_marts(database, root)
        assert second.path != first.path
        text = open_page(driver, url, SEGMENTS_PAGE, second.path.name, "Customers")
        assert first.path.name not in text
        assert metrics(driver)["Customers"] == customers
        save_screenshot(driver, "dashboard_after_rebuild")
    print(f"{loads} page loads while dbt build ran; now serving {second.path.name}")
