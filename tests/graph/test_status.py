"""Health and metrics read the graph's lane progress from the graph itself; the runner counts
what it applies to the graph under the graph's name."""

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from projections.observability import metrics_text
from projections.status import projection_status
from tests.projections.helpers import LANES, make_runner

pytestmark = pytest.mark.django_db


def graph_samples() -> dict[tuple[str, str], float]:
    """(metric, lane) -> value of every sample labelled projection="graph" (lane "" if none)."""
    found = {}
    for family in text_string_to_metric_families(metrics_text().decode()):
        for sample in family.samples:
            if sample.labels.get("projection") == "graph":
                found[(sample.name, sample.labels.get("lane", ""))] = sample.value
    return found


def applied(samples: dict[tuple[str, str], float]) -> float:
    return sum(v for (name, _), v in samples.items() if name == "projection_events_applied_total")


def test_graph_lanes_report_when_their_checkpoint_nodes_last_moved(store, runner, workload):
    runner.catch_up()
    moved = runner.projection.checkpoint_moved()
    assert moved, "catching up writes checkpoint nodes"
    graph = next(p for p in projection_status(12, store=store) if p["projection"] == "graph")
    by_lane = {row["lane"]: row for row in graph["lanes"]}
    # Without this, a graph lane had no "last moved" (the relational table has no graph rows),
    # and any lane behind for PROJECTION_STALL_SECONDS looked stalled even while replaying.
    for lane, when in moved.items():
        assert by_lane[lane]["updated_at"] == when
    assert graph["stalled_lanes"] == []


def test_the_metrics_count_the_graphs_events_and_show_its_checkpoint_nodes(store, runner, workload):
    before = applied(graph_samples())

    runner.catch_up()

    after = graph_samples()
    assert applied(after) - before == workload.events
    head = store.head_position()
    for lane in range(LANES):
        assert after[("projection_checkpoint_position", str(lane))] == head
        assert after[("projection_lag_events", str(lane))] == 0
    assert after[("projection_lag_events_max", "")] == 0


@override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
def test_neo4j_down_shows_the_graphs_error_and_keeps_the_service_ready(
    store, runner, workload, client
):
    """A regression: one projection's store not answering failed the whole status, so the
    relational lag vanished from the metrics and every web process turned unready."""
    make_runner(store).catch_up()  # the relational model is caught up

    relational, graph = projection_status(LANES, store=store)

    assert relational["error"] is None
    assert relational["lag_events"] == 0
    assert graph["error"].startswith("the graph: Neo4j at bolt://127.0.0.1:1 does not answer")
    assert graph["essential"] is False
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    details = ready.json()["checks"]["projections"]["details"]
    assert details["graph"]["error"] == graph["error"]
    assert details["relational"]["lag_events"] == 0
    samples = {
        (s.name, s.labels.get("projection")): s.value
        for family in text_string_to_metric_families(metrics_text().decode())
        for s in family.samples
    }
    assert samples[("projection_lag_events_max", "relational")] == 0
    assert ("projection_lag_events_max", "graph") not in samples
