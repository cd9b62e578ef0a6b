"""Health and metrics read the graph's lane progress from the graph itself; the runner counts
what it applies to the graph under the graph's name."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from projections.observability import metrics_text
from projections.status import projection_status
from tests.projections.helpers import LANES

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
