"""Servers and processes a fault test owns, so it may stop, restart or kill them: a PostgreSQL
cluster of its own (Debian's PostgreSQL 15 binaries, as tools/postgres.sh installs them), a
Neo4j of its own (tools/neo4j.sh on another port and data directory), and `manage.py` commands
in the background whose output the test reads while they run. Each listens on a free port;
the fixtures in tests/faults/conftest.py stop them all, whatever the test's outcome. Also how a
test waits for them and reads what a `manage.py shell` child printed."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.ingestion.conftest import REPO

PG_BIN = Path("/usr/lib/postgresql/15/bin")
T = TypeVar("T")


def free_port() -> int:
    """A port nothing listens on now (the OS's pick; another process could take it first)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], T], seconds: float, what: str) -> T:
    """The first truthy result of `check`, polled twice a second; the test fails with `what`
    if none comes within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds:.0f} s")


def answers_ok(url: str) -> bool:
    """Whether a GET of `url` answers 200 now (a server still starting does not answer)."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def last_json(done: subprocess.CompletedProcess) -> Any:
    """The JSON a `manage.py shell -c` child printed last (Django may log lines before it)."""
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class OwnPostgres:
    """A throwaway PostgreSQL cluster: trust authentication on 127.0.0.1 only, its socket in
    its own data directory, run as the `postgres` user (initdb refuses root)."""

    port: int = field(default_factory=free_port)
    data_dir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="faults-postgres-"))
    )

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        """initdb, start, and an empty database; returns its DATABASE_URL."""
        shutil.chown(self.data_dir, "postgres", "postgres")
        self._as_postgres(
            PG_BIN / "initdb", "-D", self.data_dir / "data", "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-sync",
        )  # fmt: skip
        self.start()
        self._as_postgres(
            PG_BIN / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {database}",
        )  # fmt: skip
        return self.url(database)

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1"
            # A throwaway cluster: durability is not what these tests look at.
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", self.log, "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is terminated at once, open transactions roll back, as when an
        operator restarts the server under load."""
        self._pg_ctl("stop", "-w", "-t", "60", "-m", mode)

    def remove(self) -> None:
        """Stop (immediately, if still running) and delete the cluster."""
        if (self.data_dir / "data" / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", "immediate", check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _pg_ctl(self, *args: object, check: bool = True) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data_dir / "data", *args, check=check)

    def _as_postgres(self, *args: object, check: bool = True) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        if check and done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr}{done.stdout}\n{log[-2000:]}")


@dataclass
class OwnNeo4j:
    """A Neo4j of its own through tools/neo4j.sh: its port, its data directory (a temporary
    one, so stopping and starting it keeps the graph, as a restarted server does)."""

    port: int = field(default_factory=free_port)
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="faults-neo4j-")))

    @property
    def log(self) -> Path:
        return REPO / "var" / f"neo4j-{self.port}.log"  # where tools/neo4j.sh writes it

    @property
    def pid_file(self) -> Path:
        return REPO / "var" / f"neo4j-{self.port}.pid"

    def start(self) -> str:
        """Start it and wait until Bolt answers (10-20 s); returns its NEO4J_BOLT_URL."""
        return self._script("--start").strip().splitlines()[-1]

    def stop(self) -> None:
        """A clean shutdown (SIGTERM to the launcher), as an operator's restart."""
        self._script("--stop")

    def remove(self) -> None:
        """Kill it (SIGKILL: its data is deleted anyway, a clean shutdown takes 5-15 s) and
        delete its data, log and pid file."""
        with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
            pid = int(self.pid_file.read_text())
            # The pid file outlives a Neo4j that died by itself: is the pid still ours?
            if b"Neo4jLauncher" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                raise ProcessLookupError(pid)
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # not our child: poll until init has reaped it
                os.kill(pid, 0)
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        self.log.unlink(missing_ok=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _script(self, flag: str) -> str:
        done = subprocess.run(
            [str(REPO / "tools" / "neo4j.sh"), flag],
            cwd=REPO,
            env={**os.environ, "NEO4J_PORT": str(self.port), "NEO4J_DATA_DIR": str(self.data_dir)},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tools/neo4j.sh {flag} failed: {done.stderr}{done.stdout}")
        return done.stdout


@dataclass
class Background:
    """`manage.py ARGS` running in its own process group (one signal reaches its children,
    as with qcluster's workers), its stdout and stderr in one file read while it runs."""

    args: tuple[str, ...]
    process: subprocess.Popen
    output_file: Path

    @classmethod
    def start(cls, env: dict[str, str], output_file: Path, *args: str) -> "Background":
        with output_file.open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(args, process, output_file)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.output_file.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM to the command (a graceful stop: it stops its own children), SIGKILL to the
        group if it does not end in `timeout`; the command's exit code."""
        if self.running:
            self.process.terminate()
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        return self.kill()

    def kill(self) -> int:
        """SIGKILL to the whole group: the process and every child it started."""
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=30)
