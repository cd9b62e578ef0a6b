"""Retry, then park (docs/architecture.md, Projections; Standing rule 5) for the graph projection,
and outages.

The poison is real, no mocks: an edit of a sentence that was never created, appended straight
to the store (it passes the catalogue), which no projection can apply. The ParkedEvent rows
live in the Django database beside the relational projection's, so the shared tools (the
`parked` command, the admin, the operations page) serve both.
"""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from commands.aggregates.sentence import sentence_id
from events.envelope import RecordedEvent
from events.store import EventStore
from graph.projection import GraphProjection
from projections.lanes import lane_of
from projections.models import ParkedEvent
from projections.parking import ParkedError, discard
from projections.port import ProjectionUnavailable
from readmodel.projection import RelationalProjection
from tests.graph.helpers import make_graph_runner, node, sentence_node, value
from tests.ingestion.helpers import events_of
from tests.projections.helpers import LANES
from tests.projections.workload import Workload, append_orphan_edit, confirm

pytestmark = pytest.mark.django_db


def orphan_edit(store: EventStore, workload: Workload) -> RecordedEvent:
    """An edit of sentence 99 of the first interview, which was never created."""
    return append_orphan_edit(store, workload.interview_ids[0], workload.project_ids[0])


def parked(*args: str) -> str:
    out = StringIO()
    call_command("parked", "--projection", "graph", *args, stdout=out)
    return out.getvalue()


def interview_node(interview_id: uuid.UUID) -> dict:
    found = node("Interview", "interview_id", interview_id)
    assert found is not None
    return found


def is_current(store: EventStore, kind: str, node_id: uuid.UUID) -> bool:
    key = {"Interview": "interview_id", "Sentence": "sentence_id"}[kind]
    found = node(kind, key, node_id)
    return found is not None and found["version"] == store.current_version(f"{kind}-{node_id}")


@pytest.fixture
def orphaned(store, workload) -> RecordedEvent:
    """The orphan edit, then a confirmation of sentence 0 of the same interview and of another
    interview's; the graph caught up."""
    orphan = orphan_edit(store, workload)
    for interview_id in workload.interview_ids[:2]:
        confirm(store, sentence_id(interview_id, 0), "after the orphan")
    runner = make_graph_runner(store)
    runner.catch_up()
    return orphan


class TestParking:
    def test_a_failing_event_is_parked_with_its_error_after_3_attempts(self, orphaned):
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)

        assert (head.state, head.attempts, head.behind_id, head.event_type) == (
            "parked",
            3,
            None,
            "SentenceEdited",
        )
        assert head.error.startswith("NotProjected: ")
        assert "Traceback (most recent call last):" in head.traceback
        assert head.lane == lane_of(head.blocking_key, LANES)

    def test_later_events_of_the_interview_are_parked_behind_it(self, store, workload, orphaned):
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)
        interview_id = workload.interview_ids[0]
        later = [e for e in events_of(store, interview_id) if e.position > orphaned.position]

        followers = ParkedEvent.objects.filter(projection="graph").exclude(id=head.id)
        assert [f.position for f in followers.order_by("position")] == [e.position for e in later]
        assert {f.behind_id for f in followers} == {head.id}
        assert not is_current(store, "Sentence", sentence_id(interview_id, 0))
        assert interview_node(interview_id)["blocked"] is True

    def test_other_interviews_go_on(self, store, workload, orphaned):
        other = workload.interview_ids[1]

        assert is_current(store, "Sentence", sentence_id(other, 0))
        assert sentence_node(sentence_id(other, 0))["review_note"] == "after the orphan"
        assert interview_node(other)["blocked"] is False
        checkpoints = GraphProjection().checkpoints(LANES)
        assert set(checkpoints.values()) == {store.head_position()}  # every lane went past

    def test_the_relational_projection_parks_nothing_of_the_graphs(self, orphaned):
        assert not ParkedEvent.objects.exclude(projection="graph").exists()

    def test_discarding_the_poison_and_retrying_the_rest_unblocks_the_interview(
        self, store, workload, orphaned
    ):
        interview_id = workload.interview_ids[0]
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)

        assert parked("discard", str(head.id)).strip() == f"discarded {head.id} (SentenceEdited)"
        assert interview_node(interview_id)["blocked"] is True  # one still waits
        assert parked("retry", "--interview", str(interview_id)).strip() == (
            "applied 1; 0 still parked"
        )

        assert interview_node(interview_id)["blocked"] is False
        assert is_current(store, "Sentence", sentence_id(interview_id, 0))
        assert sentence_node(orphaned.aggregate_id) is None
        assert value("MATCH (s:Sentence {index: 99}) RETURN count(s)") == 0

    def test_an_event_given_by_id_is_handled_by_its_own_projection_whatever_the_option(
        self, store, workload, orphaned
    ):
        """A regression: `parked discard ID` took --projection (default relational) for a graph
        row, so the graph's interview stayed blocked with nothing parked."""
        interview_id = workload.interview_ids[0]
        waiting = ParkedEvent.objects.filter(projection="graph", state="parked")

        for row in waiting.order_by("position"):
            out = StringIO()
            call_command("parked", "discard", str(row.id), stdout=out)  # no --projection
            assert out.getvalue().startswith(f"discarded {row.id}")

        assert interview_node(interview_id)["blocked"] is False

    def test_the_parking_functions_refuse_another_projections_event(self, orphaned):
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)

        with pytest.raises(ParkedError, match="is the graph projection's, not the relational"):
            discard(RelationalProjection(), head.id)

        head.refresh_from_db()
        assert head.state == "parked"

    def test_new_events_of_a_blocked_interview_wait_behind_it_in_later_batches(
        self, store, workload, orphaned
    ):
        late = confirm(store, sentence_id(workload.interview_ids[0], 1), "late")
        make_graph_runner(store).catch_up()

        last = ParkedEvent.objects.filter(projection="graph").order_by("position").last()
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)
        assert (last.position, last.behind_id) == (late.position, head.id)

    def test_parking_the_same_event_twice_is_a_no_op(self, store, orphaned):
        head = ParkedEvent.objects.get(projection="graph", position=orphaned.position)
        projection = GraphProjection()
        count = ParkedEvent.objects.count()

        again = projection.park(
            head.lane,
            orphaned,
            key=head.blocking_key,
            error="x",
            traceback="",
            attempts=3,
            behind=None,
        )

        assert (again, ParkedEvent.objects.count()) == (head.id, count)


class TestOutage:
    """docs/architecture.md, Projections: an outage is waited out, never a reason to park an
    event."""

    @override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
    def test_an_unreachable_neo4j_raises_projection_unavailable_and_parks_nothing(
        self, store, workload
    ):
        runner = make_graph_runner(store)

        with pytest.raises(ProjectionUnavailable, match="does not answer"):
            runner.process_batch()

        assert not ParkedEvent.objects.exists()
        assert (runner.applied, runner.parked) == (0, 0)

    def test_every_operation_of_the_port_raises_it(self, store, workload):
        event = store.read_all(limit=1)[0]
        with override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1"):
            projection = GraphProjection()
            for call in (
                projection.stored_checkpoints,
                lambda: projection.apply(0, [event]),
                lambda: projection.advance_lanes([0], 1),
                lambda: projection.refresh_blocked(f"Interview-{workload.interview_ids[0]}"),
                projection.digest,
                projection.counts,
                projection.reset,
            ):
                with pytest.raises(ProjectionUnavailable):
                    call()

    def test_after_the_outage_the_runner_goes_on_where_it_stopped(self, store, workload):
        with (
            override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1"),
            pytest.raises(ProjectionUnavailable),
        ):
            make_graph_runner(store).catch_up()

        runner = make_graph_runner(store)
        runner.catch_up()

        assert (runner.applied, runner.parked) == (workload.events, 0)
