"""`manage.py runprojections --once [--projection NAME] [--lane-count N]`, run in-process.

The following mode and signals are tested in child processes (test_graceful_shutdown.py).
Transactional: the command closes old connections between batches, as a long-running process
must, which on PostgreSQL would end a test wrapped in a transaction.
"""

import re
import signal
import socket
from collections import defaultdict
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from events.envelope import RecordedEvent
from projections.lanes import blocking_key, lane_of
from projections.port import ProjectionUnavailable
from readmodel import models as rm
from tests.projections.helpers import LANES, make_runner, replayed_digest, wait_until
from tests.projections.workload import Workload, confirm

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """The command installs SIGTERM and SIGINT handlers in the test process; undo that."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def runprojections(*args: str) -> str:
    out = StringIO()
    call_command("runprojections", "--once", *args, stdout=out)
    return out.getvalue()


def confirm_first_sentences(store, workload: Workload) -> None:
    """One more expert command per writable interview: events past the current head."""
    for interview_id, sentences in workload.sentence_ids.items():
        if interview_id not in workload.archived_ids:
            confirm(store, sentences[0], "late")


def by_lane(events: list[RecordedEvent], lanes: int) -> dict[int, list[RecordedEvent]]:
    routed: dict[int, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        routed[lane_of(blocking_key(event), lanes)].append(event)
    return routed


def exposed(applied: list[RecordedEvent], rerouted: list[RecordedEvent]) -> bool:
    """Whether a lane that applied `applied` would skip some of `rerouted`, its share under
    another lane count: events below its checkpoint it never applied."""
    return any(e.position < applied[-1].position and e not in applied for e in rerouted)


def test_once_catches_up_to_the_head_and_says_how_many_it_applied(store, workload, projection):
    out = runprojections()

    assert out.strip() == f"relational: applied {workload.events}, parked 0"
    assert set(projection.checkpoints(LANES).values()) == {store.head_position()}
    assert rm.Sentence.objects.count() == len(workload.all_sentence_ids)
    assert projection.digest() == replayed_digest(store)


def test_a_second_run_applies_nothing_new(store, workload, projection):
    runprojections()
    before = projection.digest()

    assert runprojections().strip() == "relational: applied 0, parked 0"
    assert projection.digest() == before


def test_it_runs_only_the_projection_it_is_given(store, workload):
    out = runprojections("--projection", "relational")

    assert out.startswith("relational: applied ")


def test_it_refuses_an_unknown_projection(store, workload, projection):
    with pytest.raises(CommandError, match="invalid choice: 'graph'"):
        runprojections("--projection", "graph")
    assert projection.stored_checkpoints() == {}


@pytest.mark.parametrize("lanes", ["0", "257"])
def test_it_refuses_a_lane_count_out_of_range(store, lanes):
    with pytest.raises(CommandError, match="--lane-count must be from 1 to 256"):
        runprojections("--lane-count", lanes)


class TestLaneLayout:
    def test_it_refuses_another_lane_count_while_lanes_are_unevenly_advanced(
        self, store, workload, projection
    ):
        runprojections()
        confirm_first_sentences(store, workload)
        make_runner(store, only_lanes=frozenset({0, 1, 2})).catch_up()  # 3 of 12 lanes ahead

        with pytest.raises(CommandError, match="ran with 12 lanes, unevenly advanced"):
            runprojections("--lane-count", "8")
        assert runprojections("--lane-count", "12").startswith("relational: applied ")

    def test_it_takes_another_lane_count_once_every_lane_is_at_the_same_position(
        self, store, workload, projection
    ):
        runprojections("--lane-count", "12")
        confirm_first_sentences(store, workload)

        out = runprojections("--lane-count", "8")

        confirmed = len(workload.interview_ids) - len(workload.archived_ids)
        assert out.strip() == f"relational: applied {confirmed}, parked 0"
        assert projection.digest() == replayed_digest(store)

    def test_a_crash_that_left_lanes_without_checkpoints_loses_nothing_at_another_count(
        self, store, workload, projection
    ):
        # The first batch of a 12-lane run was cut short: one lane committed its share (and so
        # its first checkpoint), the others never wrote one - they are at position 0, behind
        # it. Another lane count must then be refused (or cope); either way nothing is lost.
        first_batch = store.read_all(limit=100)
        old, new = by_lane(first_batch, LANES), by_lane(first_batch, 8)
        lane = next(lane for lane in sorted(old) if lane < 8 and exposed(old[lane], new[lane]))
        projection.advance_lanes(range(LANES), 0)  # a run records its lanes before a batch
        projection.apply(lane, old[lane])

        try:
            runprojections("--lane-count", "8")
        except CommandError:
            runprojections("--lane-count", "12")

        assert projection.digest() == replayed_digest(store)


@pytest.mark.django_db(transaction=True)
def test_a_graph_outage_does_not_hold_back_the_relational_projection(shared_db):
    """A regression: one backoff for all projections let a dead Neo4j slow the relational
    model to one batch per backoff (up to 30 s). Each now waits out its own outage."""
    head, _ = shared_db.build_workload(seed=31, projects=2, interviews=3, sentences=10)
    shared_db.env["NEO4J_BOLT_URL"] = f"bolt://127.0.0.1:{closed_port()}"  # nothing listens
    child = shared_db.start("runprojections", "--batch-size", "10", "--interval", "0.1")

    assert wait_until(lambda: min(shared_db.checkpoints().values(), default=0) >= head, timeout=20)
    assert child.poll() is None  # the graph's outage is waited out, not fatal
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    assert "graph: the graph" in err  # its outage was logged, with the projection named
    assert re.search(r"^relational: applied \d+, parked 0$", out, re.MULTILINE)
    assert "graph: applied 0, parked 0" in out


def closed_port() -> int:
    """A port nothing listens on: bound and released at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_a_connection_lost_while_reading_the_parked_events_is_an_outage(
    store, workload, runner, monkeypatch
):
    """A regression: a dropped connection at that step escaped as a raw OperationalError and
    ended runprojections (it waits out ProjectionUnavailable)."""

    def connection_lost(projection: str) -> dict[str, int]:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("projections.runner.blocked_keys", connection_lost)

    with pytest.raises(ProjectionUnavailable, match="the parked events' database: terminating"):
        runner.process_batch()
