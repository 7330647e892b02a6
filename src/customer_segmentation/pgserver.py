"""A throwaway PostgreSQL server for tests: initdb in a temp dir, start, stop.

The end-to-end tests need a real server (``make test`` builds the project on
PostgreSQL), and a fresh machine has none running. This module finds the
server binaries (installing the Debian package when they are missing), creates
a cluster in a temporary directory, starts it on 127.0.0.1 and a free port with
durability off (test data is disposable), and removes it again.

initdb and postgres refuse to run as root: as root they run as the ``postgres``
system user (``runuser``), in a directory owned by it; as any other user they
run as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "postgres"  # the Debian package's system user (used when we are root)
SUPERUSER = "postgres"  # the cluster's superuser role
DATABASE = "postgres"
HOST = "127.0.0.1"
START_ATTEMPTS = 3  # a free port can be taken between choosing and binding it
DIR_PREFIX = "cs-pg-"
OWNER_FILE = "owner.pid"


class PostgresUnavailable(RuntimeError):
    """The server could not be installed, created or started; the message says why."""


@dataclass
class PostgresServer:
    """A running throwaway cluster; :meth:`stop` shuts it down and deletes its files."""

    bin_dir: Path
    data_dir: Path
    port: int
    password: str
    run_as: str | None  # system user the server runs as (None: the current user)
    stopped: bool = field(default=False)

    @property
    def host(self) -> str:
        return HOST

    @property
    def user(self) -> str:
        return SUPERUSER

    @property
    def database(self) -> str:
        return DATABASE

    def connect_kwargs(self, user: str | None = None, password: str | None = None,
                       database: str | None = None) -> dict[str, str | int]:
        """psycopg2.connect keyword arguments (superuser unless ``user`` is given)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": user or self.user,
            "password": self.password if password is None else password,
            "dbname": database or self.database,
        }

    def env(self, database: str | None = None) -> dict[str, str]:
        """The PG* variables the dbt profile and scripts/load_raw.py read."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": database or self.database,
        }

    def stop(self) -> None:
        """Stop the server (immediately: the data is disposable) and delete the cluster."""
        if self.stopped:
            return
        self.stopped = True
        try:
            if (self.data_dir / "postmaster.pid").exists():
                _run(self.run_as, [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                                   "-m", "immediate", "-w", "stop"], check=False)
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def find_bin_dir() -> Path | None:
    """The newest installed server's bin directory (Debian layout), or None."""
    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")
                  if (Path(p) / "initdb").is_file() and (Path(p) / "pg_ctl").is_file()]
    if not candidates:
        return None
    return max(candidates, key=lambda p: _major_version(p.parent.name))


def _major_version(name: str) -> int:
    return int(name) if name.isdigit() else -1


def ensure_installed() -> Path:
    """The server's bin directory, installing the Debian package first when it is missing."""
    found = find_bin_dir()
    if found is not None:
        return found
    if os.geteuid() != 0:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin and not "
            "running as root, so cannot install them: run "
            "`apt-get update && apt-get install -y postgresql` once"
        )
    if shutil.which("apt-get") is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin and "
            "apt-get is not available to install the `postgresql` package"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-20:])
            raise PostgresUnavailable(f"`{' '.join(command)}` failed:\n{tail}")
    found = find_bin_dir()
    if found is None:
        raise PostgresUnavailable(
            "installed the `postgresql` package but found no initdb under "
            "/usr/lib/postgresql/*/bin"
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _run(run_as: str | None, command: list[str], check: bool = True,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", run_as, "--", *command] if run_as else command
    result = subprocess.run(full, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            check=False, timeout=timeout)
    if check and result.returncode != 0:
        raise PostgresUnavailable(
            f"`{' '.join(full)}` failed ({result.returncode}):\n{result.stdout[-3000:]}"
        )
    return result


def _server_user() -> str | None:
    """Who runs initdb/postgres: the ``postgres`` system user when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise PostgresUnavailable(
            f"running as root, and there is no {SERVER_USER!r} system user to run the "
            "server as (initdb refuses root); install the `postgresql` package"
        ) from exc
    return SERVER_USER


def start(base_dir: Path | None = None) -> PostgresServer:
    """initdb a fresh cluster in a temp dir and start it; raise PostgresUnavailable on failure.

    ``base_dir`` must be traversable by the server user; the default (the system
    temp dir) is, whereas pytest's per-user temp dirs are private to root.
    """
    bin_dir = ensure_installed()
    run_as = _server_user()
    remove_orphans(bin_dir, run_as, base_dir)
    root = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=base_dir))
    server: PostgresServer | None = None
    try:
        # Who owns this cluster: a later start() removes it if that process died
        # without stopping it (killed test run: no finalizer, no atexit).
        (root / OWNER_FILE).write_text(str(os.getpid()))
        data_dir = root / "data"
        password = secrets.token_urlsafe(18)
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        if run_as:
            shutil.chown(root, run_as)
            shutil.chown(pwfile, run_as)
        # Password auth over TCP (scram), so a test logging in as another role is
        # really checked; the socket in the data dir stays trust for pg_ctl.
        _run(run_as, [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER,
                      "--pwfile", str(pwfile), "--auth-host=scram-sha-256",
                      "--auth-local=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                      "--no-sync"])
        pwfile.unlink()
        last_error = ""
        for _ in range(START_ATTEMPTS):
            port = free_port()
            _write_settings(data_dir, port)
            result = _run(run_as, [str(bin_dir / "pg_ctl"), "-D", str(data_dir),
                                   "-l", str(root / "server.log"), "-w", "-t", "60",
                                   "start"], check=False)
            if result.returncode == 0:
                server = PostgresServer(bin_dir, data_dir, port, password, run_as)
                _wait_until_accepting(server)
                return server
            log = (root / "server.log").read_text(errors="replace")[-3000:]
            last_error = f"{result.stdout[-2000:]}\nserver log:\n{log}"
        raise PostgresUnavailable(
            f"PostgreSQL did not start after {START_ATTEMPTS} attempts:\n{last_error}"
        )
    except BaseException:
        if server is not None:
            server.stop()
        else:
            shutil.rmtree(root, ignore_errors=True)
        raise


def remove_orphans(bin_dir: Path, run_as: str | None, base_dir: Path | None = None) -> list[Path]:
    """Stop and delete throwaway clusters whose owning process no longer exists."""
    removed = []
    for root in Path(base_dir or tempfile.gettempdir()).glob(f"{DIR_PREFIX}*"):
        try:
            owner = int((root / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue  # not ours, or still being created
        if _alive(owner):
            continue
        PostgresServer(bin_dir, root / "data", 0, "", run_as).stop()
        removed.append(root)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_settings(data_dir: Path, port: int) -> None:
    # postgresql.auto.conf is read last, so these win over postgresql.conf.
    # fsync & co. off: a test cluster is thrown away, durability buys nothing.
    settings = {
        "listen_addresses": f"'{HOST}'",
        "port": str(port),
        "unix_socket_directories": f"'{data_dir}'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "50",
        "timezone": "'UTC'",
    }
    text = "".join(f"{name} = {value}\n" for name, value in settings.items())
    (data_dir / "postgresql.auto.conf").write_text(text)


def _wait_until_accepting(server: PostgresServer, timeout: float = 30) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg2.connect(connect_timeout=5, **server.connect_kwargs()).close()
            return
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(
                    f"PostgreSQL on {HOST}:{server.port} does not accept connections: {exc}"
                ) from exc
            time.sleep(0.2)
