"""The graph projection exists exactly where Neo4j is configured (projections.registry)."""

import pytest
from django.test import override_settings

from graph.projection import GraphProjection
from projections.registry import UnknownProjection, get_projection, projection_names


def test_with_a_neo4j_url_the_graph_projection_runs_beside_the_relational_one():
    assert projection_names() == ("relational", "graph")
    assert isinstance(get_projection("graph"), GraphProjection)


@override_settings(NEO4J_BOLT_URL="")
def test_without_one_there_is_no_graph_projection():
    assert projection_names() == ("relational",)
    with pytest.raises(
        UnknownProjection, match=r"unknown projection 'graph' \(known: relational\)"
    ):
        get_projection("graph")
