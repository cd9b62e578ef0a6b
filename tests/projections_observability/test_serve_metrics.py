"""`runprojections --metrics-port`: the runner's own metrics server."""

import urllib.request
from typing import Any

import pytest
from prometheus_client import REGISTRY

from projections import metrics
from projections.observability import serve_metrics
from tests.projections_observability.helpers import (
    catch_up,
    lane,
    parse,
    record_projects,
    unlabelled,
)


@pytest.fixture
def server():
    server = serve_metrics(0)  # any free port
    yield server
    server.shutdown()
    server.server_close()


def scrape(server: Any) -> dict:
    port = server.server_address[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return parse(response.read().decode())


def test_it_serves_the_runner_counters_on_loopback(server):
    metrics.EVENTS_APPLIED.labels("relational", "7").inc(2)
    expected = REGISTRY.get_sample_value(
        "projection_events_applied_total", {"projection": "relational", "lane": "7"}
    )

    samples = scrape(server)

    assert server.server_address[0] == "127.0.0.1"
    applied = lane("projection_events_applied_total", 7)
    assert samples[applied] == expected >= 2


@pytest.mark.django_db(transaction=True)  # committed, so the server's own connection sees it
def test_it_serves_the_progress_read_from_the_database(server):
    head = record_projects(2)
    catch_up()

    samples = scrape(server)

    assert samples[unlabelled("interview_analyzer_database_up")] == 1
    assert samples[lane("projection_checkpoint_position", 0)] == head


def test_each_scrape_closes_the_database_connection_it_opened(server, monkeypatch):
    closed = []
    monkeypatch.setattr("projections.observability.connections.close_all", lambda: closed.append(1))

    scrape(server)
    scrape(server)

    assert len(closed) == 2


def test_a_scrape_answers_even_when_the_database_cannot_be_used(server):
    # This test has no database access (pytest-django refuses it): the gauges say so.
    samples = scrape(server)

    assert samples[unlabelled("interview_analyzer_database_up")] == 0
