"""Neo4j stopped and started again under `runprojections --projection graph`: while it is down
events keep coming and the runner keeps running, logging that it retries; once it is back the
runner catches up by itself, parks nothing, and the graph holds what the relational read model
holds — and what a clean replay of the graph builds.

The test starts a Neo4j of its own (it stops it); the event store is the pass's database, so it
runs in both passes. Marked `neo4j` like every graph test (the root conftest then leaves the
graph projection on); it needs tools/neo4j.sh, not the shared Neo4j at NEO4J_BOLT_URL.
"""

import re
from functools import partial

import pytest
from django.test import override_settings

from graph import cypher
from graph.connection import GraphUnavailable, graph_session
from tests.faults.servers import last_json, wait_for
from tests.projections.helpers import SharedDatabase

pytestmark = [pytest.mark.faults, pytest.mark.neo4j, pytest.mark.django_db(transaction=True)]

SIZES = {"projects": 1, "interviews": 2, "sentences": 8, "human_commands": 60}
# The checks after the runner stopped, in one child (Django and the driver start once): parked
# events, graph_compare once the relational model is caught up, the graph's digest before and
# after a clean replay of it.
CHECKS = """
import json
from io import StringIO
from django.core.management import CommandError, call_command
from projections.models import ParkedEvent
def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()
parked = ParkedEvent.objects.filter(projection="graph").count()
run("runprojections", "--once", "--projection", "relational")
try:
    compared = run("graph_compare")
except CommandError as e:
    compared = str(e)
resumed = run("projection_digest", "graph")
run("replay", "graph", "--yes")
replayed = run("projection_digest", "graph")
print(json.dumps({"parked": parked, "compared": compared, "digests": [resumed, replayed]}))
"""


def graph_at(url: str, head: int) -> bool:
    """Whether every lane of the graph projection at `url` has applied up to `head`.

    Read with a bare session: the projection's own reads first ensure the schema, and two
    processes creating it at once deadlock in Neo4j."""
    try:
        with override_settings(NEO4J_BOLT_URL=url), graph_session() as session:
            rows = session.run(cypher.CHECKPOINTS, projection="graph").data()
    except GraphUnavailable:
        return False
    return bool(rows) and min(row["position"] for row in rows) >= head


def test_the_graph_runner_waits_out_a_neo4j_restart_and_catches_up_without_parking(
    own_neo4j, manage_process, background
):
    env, manage = manage_process
    url = own_neo4j.start()
    graph_env = {**env, "NEO4J_BOLT_URL": url}
    run = partial(manage, extra_env={"NEO4J_BOLT_URL": url})
    shared = SharedDatabase(graph_env, run)
    runner = background(graph_env, "runprojections", "--projection", "graph", "--interval", "0.2")
    head, _ = shared.build_workload(seed=31, **SIZES)
    wait_for(lambda: graph_at(url, head), 60, "the graph did not catch up before the stop")

    own_neo4j.stop()
    head, _ = shared.build_workload(seed=32, **SIZES)  # the log goes on without the graph
    wait_for(
        lambda: re.search(r"Neo4j at \S+ does not answer.*?; retrying in", runner.output(), re.S),
        60,
        "the runner did not report waiting for Neo4j",
    )
    assert runner.running, runner.output()[-3000:]

    own_neo4j.start()
    wait_for(lambda: graph_at(url, head), 90, "the graph did not catch up after the restart")
    assert runner.stop() == 0, runner.output()[-3000:]
    assert re.search(r"^graph: applied \d+, parked 0$", runner.output(), re.M)

    checks = last_json(run("shell", "-c", CHECKS, check=True))
    assert checks["parked"] == 0
    assert "hold the same effective values" in checks["compared"], checks["compared"]
    resumed, replayed = checks["digests"]
    assert replayed == resumed
