"""Version guards (SPEC 7): an event at or below its node's stream version changes nothing, so
applying events again — after a crash, or with the checkpoints lost — is harmless; and each
lane's checkpoint moves in the transaction of its changes, never backwards."""

import pytest

from graph import cypher
from graph.connection import graph_session
from projections.lanes import blocking_key, lane_of
from tests.graph.helpers import make_graph_runner, value
from tests.projections.helpers import LANES

pytestmark = pytest.mark.django_db


def drop_checkpoints() -> None:
    with graph_session() as session:
        session.run(cypher.DELETE_CHECKPOINTS, projection="graph").consume()


def test_applying_the_whole_log_again_changes_nothing(store, workload, runner, projection):
    runner.catch_up()
    before = projection.digest()
    drop_checkpoints()  # only the checkpoints

    again = make_graph_runner(store)
    again.catch_up()

    assert again.applied == workload.events  # every event went through the guards again
    assert projection.digest() == before


def test_re_applying_a_batch_changes_nothing(store, workload, runner, projection):
    runner.catch_up()
    before, checkpoints = projection.digest(), projection.stored_checkpoints()
    interview_id = workload.interview_ids[0]
    key = f"Interview-{interview_id}"
    batch = [e for e in store.read_all() if blocking_key(e) == key]

    projection.apply(lane_of(key, LANES), batch)

    assert projection.digest() == before
    assert projection.stored_checkpoints() == checkpoints  # and never lowered


def test_an_event_at_or_below_its_nodes_version_is_skipped(store, workload, runner, projection):
    runner.catch_up()
    before = projection.digest()
    stream = f"Sentence-{workload.all_sentence_ids[0]}"
    created, *_, last = store.read_stream(stream)

    projection.apply(lane_of(blocking_key(created), LANES), [last, created])

    assert projection.digest() == before


def test_the_checkpoint_moves_with_the_lanes_changes(store, workload, projection):
    first = store.read_all(limit=1)[0]
    lane = lane_of(blocking_key(first), LANES)

    projection.apply(lane, [first])

    assert projection.stored_checkpoints() == {lane: first.position}
    assert (
        value(
            "MATCH (c:LaneCheckpoint {projection: 'graph', lane: $lane}) RETURN c.position",
            lane=lane,
        )
        == first.position
    )


def test_the_batched_and_the_event_by_event_modes_build_the_same_graph(store, workload):
    batched = make_graph_runner(store, batch_size=1000)
    batched.catch_up()
    digest = batched.projection.digest()
    batched.projection.reset()

    one_by_one = make_graph_runner(store, per_event=True)
    one_by_one.catch_up()

    assert one_by_one.applied == workload.events
    assert one_by_one.projection.digest() == digest
