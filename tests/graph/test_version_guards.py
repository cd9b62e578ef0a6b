"""Version guards (docs/architecture.md, Projections): an event at or below its node's stream
version changes nothing, so applying events again — after a crash, or with the checkpoints lost — is
harmless; and each lane's checkpoint moves in the transaction of its changes, never backwards."""

import pytest
from neo4j import ManagedTransaction

from graph import cypher
from graph.connection import graph_session
from graph.nodes import DIMENSION_LINKS
from graph.projection import GraphProjection
from projections.lanes import blocking_key, lane_of
from projections.port import ApplyFailed
from projections.runner import LaneLayoutError
from tests.graph.helpers import make_graph_runner, value
from tests.projections.helpers import LANES
from tests.projections.workload import confirm

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


def test_a_batch_whose_checkpoint_cannot_be_written_keeps_none_of_its_nodes(
    store, workload, projection, monkeypatch
):
    """The lane's changes and its checkpoint node commit in one Neo4j transaction."""
    batch = store.read_all(limit=20)
    lane = lane_of(blocking_key(batch[0]), LANES)
    move = cypher.move_checkpoints

    def move_then_fail(tx, *args):
        move(tx, *args)
        tx.run("RETURN 1 / 0").consume()  # after the nodes and the checkpoint were written

    monkeypatch.setattr(cypher, "move_checkpoints", move_then_fail)
    with pytest.raises(ApplyFailed):
        projection.apply(lane, batch)

    assert projection.stored_checkpoints() == {}
    assert value("MATCH (n) RETURN count(n)") == 0


def test_a_batch_is_written_with_each_statement_once_whatever_its_size(
    store, workload, monkeypatch
):
    """Batched UNWIND: the statements of a lane batch do not grow with its events (no query
    per event or per node): three loads, the sentence order, the writes, the checkpoint."""
    statements: list[str] = []
    run = ManagedTransaction.run

    def counted(tx, query, *args, **kwargs):
        statements.append(query)
        return run(tx, query, *args, **kwargs)

    monkeypatch.setattr(ManagedTransaction, "run", counted)
    events = store.read_all()
    GraphProjection().apply(0, events)  # the whole log as one lane's batch

    assert len(events) == workload.events > 50
    assert len(statements) == len(set(statements))
    assert len(statements) <= 3 + 1 + 10 + len(DIMENSION_LINKS) + 1


def test_the_lanes_of_an_even_layout_can_be_recounted_and_all_start_there(store, workload):
    make_graph_runner(store).catch_up()
    head = store.head_position()

    make_graph_runner(store, lanes=8).check_lane_layout()

    assert GraphProjection().stored_checkpoints() == dict.fromkeys(range(8), head)
    assert value("MATCH (c:LaneCheckpoint) RETURN count(c)") == 8


def test_an_uneven_layout_cannot_be_recounted(store, workload):
    make_graph_runner(store).catch_up()
    confirm(store, workload.all_sentence_ids[0], "one lane further")
    make_graph_runner(store, only_lanes=frozenset({0})).catch_up()
    assert len(set(GraphProjection().stored_checkpoints().values())) == 2

    with pytest.raises(LaneLayoutError):
        make_graph_runner(store, lanes=8).check_lane_layout()
