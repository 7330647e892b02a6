"""``make test-spark``: build and test the project on a local Spark session.

Two halves, so that ``make test`` never needs Spark:

- :func:`ensure_java` installs Java from Debian's packages when missing, and
  :func:`ensure_venv` (any Python) creates ``.venv-spark`` with the pinned
  packages of requirements.txt plus requirements-spark.txt, once per change of
  those files, and re-runs this module inside it;
- :func:`run_check` (inside ``.venv-spark``) generates a small data set, builds it
  on DuckDB (the reference) and on Spark (load, ``dbt build`` with the
  clustering script in between), and compares every mart, plus every
  quarantine model's rows and reasons, between the two.

Spark runs in a temporary working directory: in session mode it writes
``metastore_db/``, ``spark-warehouse/`` and ``derby.log`` to the current
directory, and the loader, dbt and the clustering script must share them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from customer_segmentation import PROJECT_ROOT

SPARK_VENV = PROJECT_ROOT / ".venv-spark"
REQUIREMENT_FILES = ("requirements.txt", "requirements-spark.txt", "requirements-lock.txt",
                     "pyproject.toml")


def requirements_stamp() -> Path:
    """Marker file named after the requirement files' content: a change reinstalls."""
    digest = hashlib.sha256()
    for name in REQUIREMENT_FILES:
        digest.update((PROJECT_ROOT / name).read_bytes())
    return SPARK_VENV / f".installed-{digest.hexdigest()[:16]}"


JAVA_PACKAGE = "openjdk-17-jre-headless"  # Debian 12; pyspark 4.1 needs Java 17 or 21


def ensure_java() -> None:
    """Java for Spark: installed from Debian's packages when missing (needs root)."""
    if shutil.which("java"):
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        raise SystemExit(
            f"make test-spark needs Java 17 or 21 (Debian: apt-get install {JAVA_PACKAGE})"
        )
    print(f"installing {JAVA_PACKAGE} (Spark runs on the JVM)", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", JAVA_PACKAGE], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_venv(python: str = "python3") -> Path:
    """``.venv-spark`` with the pinned packages and this project (editable); its python."""
    venv_python = SPARK_VENV / "bin" / "python"
    stamp = requirements_stamp()
    if stamp.exists() and venv_python.exists():
        return venv_python
    if not venv_python.exists():
        subprocess.run([python, "-m", "venv", str(SPARK_VENV)], check=True)
    pip = [str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    print("installing .venv-spark (pyspark builds a ~450 MB wheel: ~2 min)", flush=True)
    subprocess.run(
        [*pip, "-r", "requirements.txt", "-r", "requirements-spark.txt",
         "-c", "requirements-lock.txt"],
        cwd=PROJECT_ROOT, check=True,
    )
    subprocess.run([*pip, "--no-deps", "-e", "."], cwd=PROJECT_ROOT, check=True)
    for old in SPARK_VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return venv_python


@contextmanager
def timed(label: str, timings: dict[str, float]) -> Iterator[None]:
    print(f"== {label}", flush=True)
    start = time.monotonic()
    try:
        yield
    finally:
        timings[label] = time.monotonic() - start
        print(f"   {label}: {timings[label]:.0f}s", flush=True)


def spark_env(workdir: Path) -> dict[str, str]:
    """Environment of every Spark step: dbt's `spark` target, project from anywhere."""
    from customer_segmentation import pipeline

    return pipeline.dbt_env(
        None,
        target="spark",
        extra={
            "DBT_LOG_PATH": str(workdir / "logs"),
            "DBT_PROJECT_DIR": str(PROJECT_ROOT),
            "SPARK_LOCAL_IP": "127.0.0.1",
            # pyspark turns timestamps into Python datetimes in the process's zone.
            "TZ": "UTC",
        },
    )


def spark_reader(spark: Any, schema: str):
    """Rows of ``schema.<table>`` from Spark, as Python values (as DuckDB returns them)."""

    def read(table: str) -> tuple[list[str], list[dict[str, Any]]]:
        frame = spark.table(f"{schema}.{table}")
        columns = list(frame.columns)
        return columns, [row.asDict() for row in frame.collect()]

    return read


def quarantine_models(manifest: dict[str, Any]) -> list[str]:
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "quarantine"
    )


def compare_quarantine(duck_db: Path, spark: Any, manifest: dict[str, Any]) -> list[str]:
    """Each quarantine model holds the same (source row, reason) pairs on both engines."""
    import duckdb

    problems = []
    with duckdb.connect(str(duck_db), read_only=True) as con:
        for name in quarantine_models(manifest):
            duck = set(con.execute(
                f"select _source_row, quarantine_reason from quarantine.{name}"
            ).fetchall())
            other = {
                (r[0], r[1])
                for r in spark.sql(
                    f"select _source_row, quarantine_reason from quarantine.{name}"
                ).collect()
            }
            if duck != other:
                diff = sorted(duck ^ other, key=str)[:5]
                problems.append(f"quarantine.{name}: rows differ (e.g. {diff})")
            print(f"   quarantine.{name:<36} {len(duck):>5} rows "
                  f"{'equal' if duck == other else 'DIFFER'}", flush=True)
    return problems


def run_check(customers: int, seed: int, dirty: float, keep: bool) -> int:
    """Generate, build on DuckDB and Spark, compare. Exit status 0 when all is equal."""
    from customer_segmentation import equivalence, pipeline, spark_warehouse

    timings: dict[str, float] = {}
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="cs-test-spark-"))
    raw, duck_dir, spark_dir = workdir / "raw", workdir / "duckdb", workdir / "spark"
    duck_dir.mkdir()
    spark_dir.mkdir()
    print(f"working directory: {workdir}", flush=True)
    try:
        with timed(f"generate {customers} customers (dirty {dirty})", timings):
            pipeline.generate(raw, customers=customers, seed=seed, dirty=dirty)
        duck_db = duck_dir / "warehouse.duckdb"
        duck_env = pipeline.dbt_env(duck_db, extra={"DBT_LOG_PATH": str(duck_dir / "logs")})
        with timed("DuckDB reference: load + dbt build", timings):
            pipeline.load(raw, duck_env)
            pipeline.build(duck_env, "duckdb", target_path=duck_dir / "target")
        env = spark_env(spark_dir)
        with timed("Spark: load raw", timings):
            pipeline.run(pipeline.python_script("load_raw.py", str(raw), "--target", "spark"),
                         env=env, cwd=spark_dir)
        with timed("Spark: dbt build (clustering through scripts/run_clustering.py)", timings):
            # state_dir: the second dbt build skips what the first built and tested.
            # Snapshots need Delta Lake on Spark (dbt_project.yml, snapshots), whose jars a
            # local session cannot fetch offline.
            log = pipeline.build(env, "spark", target_path=spark_dir / "target", cwd=spark_dir,
                                 state_dir=spark_dir / "state",
                                 extra_args=["--exclude", "resource_type:snapshot"])
        summaries = [line.split("Done. ", 1)[1] for line in log.splitlines() if "Done. " in line]
        for summary in summaries:
            print(f"   dbt: {summary}", flush=True)
        with timed("compare marts and quarantine with DuckDB", timings):
            os.chdir(spark_dir)  # the session's metastore is the one dbt wrote
            os.environ.update({"SPARK_LOCAL_IP": "127.0.0.1", "TZ": "UTC"})
            time.tzset()
            spark = spark_warehouse.local_session()
            manifest = equivalence.load_manifest(duck_dir / "target")
            results = equivalence.compare_marts(
                manifest,
                equivalence.duckdb_reader(duck_db),
                spark_reader(spark, equivalence.MARTS_SCHEMA),
                engine="spark",
            )
            for result in results:
                print(f"   marts.{result.name:<38} {result.rows:>6} rows "
                      f"{'equal' if result.equal else 'DIFFER'}", flush=True)
            problems = [p for r in results for p in r.problems]
            problems += compare_quarantine(duck_db, spark, manifest)
            spark.stop()
    finally:
        os.chdir(PROJECT_ROOT)
        if keep:
            print(f"kept {workdir}", flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    equal = sum(r.equal for r in results)
    print(f"\nwall time {time.monotonic() - started:.0f}s; "
          + ", ".join(f"{k}: {v:.0f}s" for k, v in timings.items()))
    if problems:
        print("Spark differs from DuckDB:\n  " + "\n  ".join(problems))
    print(f"marts: {equal} passed, {len(results) - equal} failed")
    return 1 if problems else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build and test the project on local Spark.")
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dirty", type=float, default=0.02,
                        help="share of rows given a fault, so quarantine is compared too")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.in_venv:
        ensure_java()
        python = ensure_venv()
        forwarded = sys.argv[1:] if argv is None else argv
        command = [str(python), "-m", "customer_segmentation.spark_check", "--in-venv", *forwarded]
        return subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode
    try:
        return run_check(args.customers, args.seed, args.dirty, args.keep)
    except Exception as exc:  # a failed step: its command and output tail, no traceback noise
        from customer_segmentation.pipeline import StepFailed

        if isinstance(exc, StepFailed):
            print(f"make test-spark failed: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
