"""Graph tests run against the real Neo4j at NEO4J_BOLT_URL (`make test` starts one with
tools/neo4j.sh). Each test starts from an empty graph."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from graph.connection import graph_session

NO_NEO4J = "needs Neo4j: set NEO4J_BOLT_URL (make test starts one with tools/neo4j.sh)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(autouse=True)
def empty_graph() -> None:
    if not settings.NEO4J_BOLT_URL:
        if os.environ.get("REQUIRE_NEO4J"):
            pytest.fail(f"NEO4J_BOLT_URL is not set: {NO_NEO4J}")
        pytest.skip(NO_NEO4J)
    with graph_session() as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS").consume()
