"""Runners, health, status and the operations page on the EventStoreDB adapter (a fake server
at esdbclient's boundary, tests/events/fake_esdb.py): a leader change is ridden out, a hung
server fails readiness and a runner's turn within the deadline, and lag is reported as what it
is there, a distance in the log."""

import time

import pytest
from django.core.management.base import CommandError
from django.template.loader import render_to_string

from events.esdb_store import EsdbEventStore
from projections.health import observe, readiness_report
from projections.registry import get_projection
from tests.events.fake_esdb import FakeEsdbClient, not_leader
from tests.projections.helpers import replayed_digest
from tests.projections.test_runprojections_command import (  # noqa: F401 (an autouse fixture)
    _signal_handlers_restored,
    runprojections,
)
from tests.projections.workload import build_workload

# transaction=True: runprojections closes connections between turns, as it must in production;
# inside a test transaction on PostgreSQL that close would end the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 0.5


@pytest.fixture
def fake() -> FakeEsdbClient:
    return FakeEsdbClient()


@pytest.fixture
def store(fake, monkeypatch) -> EsdbEventStore:
    """The EventStoreDB adapter as the one store health and status read."""
    store = EsdbEventStore("esdb://esdb.internal:2113?Tls=false", timeout=TIMEOUT, client=fake)
    monkeypatch.setattr("projections.health.get_event_store", lambda: store)
    monkeypatch.setattr("projections.status.get_event_store", lambda: store)
    monkeypatch.setattr(
        "projections.management.commands.runprojections.get_event_store", lambda: store
    )
    return store


def test_a_runner_rides_out_a_leader_change(store, fake):
    workload = build_workload(store, seed=1)
    fake.fail(not_leader("node3.esdb.internal:2113"))  # the runner's first read of $all

    out = runprojections("--projection", "relational")

    assert out.strip() == f"relational: applied {workload.events}, parked 0"
    assert fake.reconnects == ["node3.esdb.internal:2113"]
    assert get_projection("relational").digest() == replayed_digest(store)


def test_a_runner_facing_a_hung_server_stops_at_the_deadline_with_a_clear_error(store, fake):
    build_workload(store, seed=1)
    fake.hang()

    with pytest.raises(CommandError, match="unavailable: EventStoreDB is unavailable"):
        runprojections("--projection", "relational")


def test_a_hung_server_makes_readiness_fail_within_the_deadline(store, fake, client):
    fake.hang()  # every call waits for its deadline; one without a deadline fails the test
    started = time.monotonic()

    answered = client.get("/health/ready")

    assert time.monotonic() - started < 5
    assert answered.status_code == 503
    assert answered.json()["checks"]["event_store"]["status"] == "failing"
    assert fake.calls
    assert all(timeout == TIMEOUT for _, timeout in fake.calls)


def test_the_operations_page_gives_lag_as_log_distance_not_events(store):
    workload = build_workload(store, seed=1)  # nothing projected yet: every lane at 0
    head = store.head_position()

    seen = observe()
    page = render_to_string(
        "web/_operations_live.html", {"seen": seen, "report": readiness_report(seen)}
    )

    relational = next(p for p in seen.projections if p["projection"] == "relational")
    assert relational["lag_events"] == head != workload.events
    assert f"relational: log distance {head}," in page
    assert f"furthest behind by a log distance of {head}," in page
    assert "Lag (log distance)" in page
    assert f"{head} event" not in page
