"""The throwaway PostgreSQL server: starts as configured, leaves nothing behind."""

from __future__ import annotations

import subprocess

import psycopg2
import pytest

from customer_segmentation import pgserver

pytestmark = pytest.mark.postgres


def test_server_runs_as_configured_and_stop_removes_it():
    server = pgserver.start()
    try:
        with psycopg2.connect(**server.connect_kwargs()) as conn, conn.cursor() as cur:
            cur.execute("select current_setting('fsync'), current_setting('listen_addresses'), "
                        "current_setting('port')::int, current_user")
            assert cur.fetchone() == ("off", "127.0.0.1", server.port, "postgres")
        conn.close()
        # Password authentication is really checked over TCP.
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            psycopg2.connect(**server.connect_kwargs(password="wrong"))
    finally:
        server.stop()
    assert not server.data_dir.parent.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(connect_timeout=3, **server.connect_kwargs())
    server.stop()  # idempotent: the finalizer and atexit may both call it


def test_a_killed_owner_leaves_no_server_behind():
    server = pgserver.start()
    try:
        # A process that has exited (and been reaped) stands for a killed test run.
        exited = subprocess.Popen(["true"])
        exited.wait()
        (server.data_dir.parent / pgserver.OWNER_FILE).write_text(str(exited.pid))
        removed = pgserver.remove_orphans(server.bin_dir, server.run_as)
        assert server.data_dir.parent in removed
        assert not server.data_dir.parent.exists()
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(connect_timeout=3, **server.connect_kwargs())
    finally:
        server.stop()


def test_missing_server_without_root_fails_with_the_reason(monkeypatch):
    # Never a silent skip: the error says what is missing and how to install it.
    monkeypatch.setattr(pgserver, "find_bin_dir", lambda: None)
    monkeypatch.setattr(pgserver.os, "geteuid", lambda: 1000)
    with pytest.raises(pgserver.PostgresUnavailable, match="apt-get install -y postgresql"):
        pgserver.start()
