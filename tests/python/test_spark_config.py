"""The Spark settings of dbt's session (profiles.yml) and of ours (loader, clustering) agree.

Both open the same local metastore one after the other; a different time zone
would shift every timestamp the loader or the clustering script writes.
"""

from __future__ import annotations

import yaml

from customer_segmentation import PROJECT_ROOT
from customer_segmentation.spark_warehouse import SESSION_CONFIG, quote


def test_profile_session_parameters_equal_spark_warehouse_session_config() -> None:
    profile = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    spark = profile["customer_segmentation"]["outputs"]["spark"]
    assert spark["method"] == "session"
    assert {k: str(v) for k, v in spark["server_side_parameters"].items()} == SESSION_CONFIG
    assert SESSION_CONFIG["spark.sql.session.timeZone"] == "UTC"


def test_spark_identifiers_are_quoted_with_backticks_escaped() -> None:
    assert quote("order id") == "`order id`"
    assert quote("a`b") == "`a``b`"
