"""Build and test the project on a local Spark session (`make test-spark`).

Usage: .venv/bin/python scripts/test_spark.py [--customers N] [--seed S] [--dirty F] [--keep]

Creates .venv-spark (pinned dbt-spark[session] and pyspark) on first use, then
builds generated data on DuckDB and on Spark and compares every mart.
"""

from __future__ import annotations

import sys

from customer_segmentation.spark_check import main

if __name__ == "__main__":
    sys.exit(main())
