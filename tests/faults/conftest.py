"""Fixtures of the fault tests: servers of their own and background processes, each stopped in
a finalizer whatever the test's outcome, so a failing test leaves nothing running."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.servers import PG_BIN, Background, OwnNeo4j, OwnPostgres
from tests.ingestion.conftest import manage_process  # noqa: F401 (a fixture, reused here)

StartBackground = Callable[..., Background]


@pytest.fixture
def background(tmp_path: Path) -> Iterator[StartBackground]:
    """`background(env, "runprojections", ...)` starts `manage.py` in its own process group,
    its output in a file under tmp_path; whatever still runs at the end is killed (SIGKILL)."""
    started: list[Background] = []

    def start(env: dict[str, str], *args: str) -> Background:
        output = tmp_path / f"{len(started)}-{args[0]}.log"
        started.append(Background.start(env, output, *args))
        return started[-1]

    yield start
    for child in started:
        child.kill()


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """A PostgreSQL cluster of the test's own, created and removed here (needs root, to run
    initdb as the postgres user, and Debian's PostgreSQL 15, which tools/postgres.sh installs)."""
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        pytest.skip("needs root and PostgreSQL 15 from Debian (tools/postgres.sh installs it)")
    server = OwnPostgres()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def own_neo4j() -> Iterator[OwnNeo4j]:
    """A Neo4j of the test's own (not the shared one at NEO4J_BOLT_URL, which other tests use):
    started and stopped by the test, removed here."""
    server = OwnNeo4j()
    try:
        yield server
    finally:
        server.remove()
