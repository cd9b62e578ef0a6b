"""The same interleavings with the graph projection beside the relational one, each runner
catching up at its own random points: the graph built live equals its replay from event 0,
and holds the effective values the relational read model holds (graph.digest)."""

import pytest
from hypothesis import example, given

from tests.graph.conftest import empty_graph, wipe  # noqa: F401 (an autouse fixture, reused)
from tests.projections.helpers import LANES
from tests.properties.scenario import play
from tests.properties.steps import (
    PROPERTY_SETTINGS,
    SETUPS,
    Advance,
    Correct,
    Look,
    Setup,
    step_lists,
)

# empty_graph skips these tests without NEO4J_BOLT_URL (fails them under REQUIRE_NEO4J=1);
# the neo4j mark keeps NEO4J_BOLT_URL set for them (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.neo4j]

BOTH = ("relational", "graph")
# Run every time, whatever the generated examples reach: an override moves a sentence's
# dimension link in the graph, and its revert moves it back.
OVERRIDE_THEN_REVERT = [
    Correct(actor=0, sentence=0, action="override", pick=0),
    Advance("graph", batch=100, lanes=0),
    Advance("relational", batch=100, lanes=0),
    Look(actor=1, interview=0),
    Correct(actor=1, sentence=0, action="revert", pick=0),
    Advance("graph", batch=100, lanes=0),
]


@PROPERTY_SETTINGS
@example(setup=Setup(lanes=LANES, head_start=100), steps=OVERRIDE_THEN_REVERT)
@given(setup=SETUPS, steps=step_lists(BOTH))
def test_the_graph_built_live_equals_its_replay_and_the_relational_model(world, setup, steps):
    wipe()  # Neo4j is outside the database transaction play() rolls back
    # The relational replay is test_relational_replay's property; here it would only cost time.
    play(world, setup, steps, BOTH, replayed=("graph",))
