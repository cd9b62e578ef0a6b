"""Graph tests run against the real Neo4j at NEO4J_BOLT_URL (`make test` starts one with
tools/neo4j.sh). Each test starts from an empty graph, and leaves none behind for the tests
after it."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from events.store import EventStore
from graph.connection import graph_session
from graph.projection import GraphProjection
from projections.runner import ProjectionRunner
from tests.graph.helpers import make_graph_runner
from tests.ingestion.conftest import manage_process  # noqa: F401 (a fixture, reused here)
from tests.projections.conftest import store, workload  # noqa: F401 (fixtures, reused here)

NO_NEO4J = "needs Neo4j: set NEO4J_BOLT_URL (make test starts one with tools/neo4j.sh)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.neo4j)


def wipe() -> None:
    with graph_session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()


@pytest.fixture(autouse=True)
def empty_graph() -> Iterator[None]:
    if not settings.NEO4J_BOLT_URL:
        if os.environ.get("REQUIRE_NEO4J"):
            pytest.fail(f"NEO4J_BOLT_URL is not set: {NO_NEO4J}")
        pytest.skip(NO_NEO4J)
    wipe()
    yield
    if settings.NEO4J_BOLT_URL:  # a test may have pointed it elsewhere meanwhile
        wipe()


@pytest.fixture
def runner(store: EventStore) -> ProjectionRunner:  # noqa: F811
    """The graph projection: 12 lanes, batches of 100, no real sleeps between attempts."""
    return make_graph_runner(store)


@pytest.fixture
def projection(runner) -> GraphProjection:
    return runner.projection
