"""GET /metrics, /health/live and /health/ready through HTTP (docs/architecture.md, Standing rule 6:
never exposed before)."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from events.wiring import get_event_store
from projections.models import LaneCheckpoint
from tests.projections_observability.helpers import (
    LANES,
    break_the_database,
    catch_up,
    lane,
    parse,
    record_projects,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_event_store(settings):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    get_event_store.cache_clear()
    settings.EVENT_STORE = "esdb"
    settings.ESDB_URL = f"esdb://127.0.0.1:{port}?Tls=false"
    yield
    get_event_store.cache_clear()


class TestMetrics:
    def test_it_serves_the_runner_counters_and_the_progress_gauges(self, client):
        head = record_projects(3)
        catch_up()

        response = client.get("/metrics")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        samples = parse(response.content.decode())
        applied = [
            value
            for (name, labels), value in samples.items()
            if name == "projection_events_applied_total" and ("projection", "relational") in labels
        ]
        assert sum(applied) >= 3
        assert (
            "projection_batch_duration_seconds_count",
            frozenset({("projection", "relational")}),
        ) in samples
        assert samples[lane("projection_checkpoint_position", 0)] == head

    def test_it_asks_for_the_token_when_one_is_set(self, client, settings):
        settings.METRICS_TOKEN = "s3cret"

        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answered = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert answered.status_code == 200
        assert b"projection_lag_events" in answered.content

    def test_it_only_answers_get(self, client):
        assert client.post("/metrics").status_code == 405


class TestLive:
    def test_it_says_ok(self, client):
        response = client.get("/health/live")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_it_says_ok_without_looking_at_the_database(self, client, monkeypatch):
        break_the_database(monkeypatch)

        assert client.get("/health/live").status_code == 200


class TestReady:
    def test_it_is_ready_when_everything_answers_and_is_caught_up(self, client):
        record_projects(2)
        catch_up()

        response = client.get("/health/ready")

        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["status"] == "ok"
        assert {name: check["status"] for name, check in body["checks"].items()} == {
            "database": "ok",
            "event_store": "ok",
            "projections": "ok",
            "parked": "ok",
        }
        assert body["checks"]["projections"]["details"]["relational"]["lag_events"] == 0
        assert body["checks"]["parked"]["details"] == {"events": {"relational": 0}}

    def test_it_is_not_ready_when_a_lane_is_stalled(self, client, monkeypatch):
        caught_up_to = record_projects(1)
        catch_up()
        record_projects(2)  # never applied: no runner
        an_hour_ago = timezone.now() - timedelta(hours=1)
        LaneCheckpoint.objects.filter(projection="relational").update(updated_at=an_hour_ago)
        later = timezone.now() + timedelta(minutes=10)  # the new events have waited that long
        monkeypatch.setattr("django.utils.timezone.now", lambda: later)

        response = client.get("/health/ready")

        assert response.status_code == 503
        projections = response.json()["checks"]["projections"]
        assert projections["status"] == "failing"
        assert projections["details"]["relational"]["stalled_lanes"] == list(range(LANES))
        assert "stalled lanes" in projections["details"]["error"]
        assert LaneCheckpoint.objects.filter(position=caught_up_to).count() == LANES

    def test_it_is_not_ready_when_the_event_store_is_unreachable(
        self, client, unreachable_event_store
    ):
        response = client.get("/health/ready")

        assert response.status_code == 503
        checks = response.json()["checks"]
        assert checks["database"]["status"] == "ok"
        assert checks["event_store"]["status"] == "failing"
        assert "EventStoreDB is unavailable" in checks["event_store"]["details"]["error"]
        assert checks["projections"]["status"] == "failing"

    def test_it_is_not_ready_when_the_database_is_unreachable(self, client, monkeypatch):
        break_the_database(monkeypatch)

        response = client.get("/health/ready")

        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        database = response.json()["checks"]["database"]
        assert database["status"] == "failing"
        assert "Connection refused" in database["details"]["error"]

    def test_it_hides_credentials_in_error_messages(self, client, monkeypatch, settings, caplog):
        get_event_store.cache_clear()
        settings.EVENT_STORE = "esdb"
        settings.ESDB_URL = "esdb://admin:hunter2@127.0.0.1:9?Tls=false"

        def refuse(self, url: str, **options: object) -> None:
            raise ValueError(f"cannot use {url}")

        monkeypatch.setattr("events.esdb_store.EsdbEventStore.__init__", refuse)
        try:
            response = client.get("/health/ready")
        finally:
            get_event_store.cache_clear()

        assert response.status_code == 503
        assert b"hunter2" not in response.content
        assert "hunter2" not in caplog.text
        assert "esdb://***@" in caplog.text
        assert (
            "esdb://***@127.0.0.1:9" in response.json()["checks"]["event_store"]["details"]["error"]
        )
