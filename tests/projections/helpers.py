"""Shared by the projection tests: a clean replay to compare with, and a database shared with
child processes (`manage.py runprojections` and friends) that the test can watch and kill."""

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field

from django.db import connection

from events.store import EventStore
from projections.runner import ProjectionRunner
from readmodel.projection import RelationalProjection
from tests.ingestion.conftest import REPO, Manage
from tests.projections.workload import BUILD_IN_CHILD

LANES = 12


def no_sleep(seconds: float) -> None:
    """The runner's backoff, skipped: the tests check the delays it asks for instead."""


def make_runner(store: EventStore, **options) -> ProjectionRunner:
    """A runner over a fresh relational projection, without real sleeps."""
    options = {"lanes": LANES, "batch_size": 100, "backoff": 0.0, "sleep": no_sleep, **options}
    return ProjectionRunner(RelationalProjection(), store, **options)


def replayed_digest(store: EventStore) -> str:
    """The digest of a clean replay: the read model reset and rebuilt from event 0."""
    runner = make_runner(store, batch_size=1000)
    runner.projection.reset()
    runner.catch_up()
    return runner.projection.digest()


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


@dataclass
class SharedDatabase:
    """The database of `manage_process`: children write it; the test reads its checkpoints.

    On PostgreSQL that is the (transactional) test database itself; on SQLite a file the test
    process reads with the sqlite3 module, its own Django database being in memory.
    """

    env: dict[str, str]
    manage: Manage
    children: list[subprocess.Popen] = field(default_factory=list)

    def build_workload(self, seed: int, **sizes: int) -> tuple[int, int]:
        """Build a workload in the shared database; return its head position and its number
        of events (on PostgreSQL, positions go on from earlier tests' events)."""
        code = BUILD_IN_CHILD.format(seed=seed, sizes=sizes)
        done = self.manage("shell", "-v", "0", "-c", code, check=True)
        head, events = done.stdout.split()[-2:]
        return int(head), int(events)

    def start(self, *args: str) -> subprocess.Popen:
        child = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.children.append(child)
        return child

    def checkpoints(self) -> dict[int, int]:
        return dict(
            self._rows(
                "SELECT lane, position FROM projection_lane_checkpoint"
                " WHERE projection = 'relational'"
            )
        )

    def lease_owners(self) -> dict[int, str]:
        """Lane -> owner of the relational projection's leased lanes (expired ones included:
        a killed runner's lanes show its name until another runner takes them over)."""
        return dict(
            self._rows(
                "SELECT lane, owner FROM projection_lane_lease"
                " WHERE projection = 'relational' AND owner <> ''"
            )
        )

    def _rows(self, sql: str) -> list[tuple]:
        """Rows of a query on the shared database, as the children wrote them."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        path = self.env["DATABASE_URL"].removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=30)) as db:
            return db.execute(sql).fetchall()

    def digest(self) -> str:
        return self.manage("projection_digest", "relational", check=True).stdout.strip()

    def replay(self) -> str:
        """Replay the relational projection from event 0 and return its digest."""
        self.manage("replay", "relational", "--yes", check=True)
        return self.digest()

    def kill_children(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
            child.communicate()
