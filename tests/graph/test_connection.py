import pytest
from django.test import override_settings

from graph.connection import GraphUnavailable, graph_driver, graph_session


def test_the_configured_neo4j_answers_a_query():
    with graph_session() as session:
        assert session.run("RETURN 40 + 2 AS answer").single()["answer"] == 42


@override_settings(NEO4J_BOLT_URL="")
def test_without_a_url_the_graph_is_off_with_a_clear_error(settings):
    with pytest.raises(GraphUnavailable, match="NEO4J_BOLT_URL"):
        graph_driver()


@override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
def test_an_unreachable_neo4j_is_graph_unavailable_not_a_driver_error():
    with pytest.raises(GraphUnavailable, match="does not answer"), graph_session() as session:
        session.run("RETURN 1").consume()
