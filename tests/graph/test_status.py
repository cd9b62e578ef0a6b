"""Health reads the graph's lane progress from the graph itself."""

import pytest

from projections.status import projection_status

pytestmark = pytest.mark.django_db


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
