"""The crash test (docs/architecture.md, Projections) for the graph: `runprojections --projection
graph` killed with SIGKILL at random moments of a catch-up, again and again, then let finish, leaves
the same graph as one clean replay — every lane resumed from a checkpoint node committed in the
Neo4j transaction of its changes, so no event was lost and none applied twice."""

import random
from collections.abc import Iterator

import pytest

from graph.projection import GraphProjection
from tests.projections.helpers import SharedDatabase
from tests.projections.test_crash_recovery import kill_part_way

SIZES = {"projects": 2, "interviews": 3, "sentences": 30, "human_commands": 700}
KILLS = 6


class SharedGraph(SharedDatabase):
    """The shared database of `manage_process`, with the graph projection's checkpoints (in
    Neo4j, which the children reach through the inherited NEO4J_BOLT_URL)."""

    def checkpoints(self) -> dict[int, int]:
        return GraphProjection().stored_checkpoints()

    def start(self, *args: str):
        if args and args[0] == "runprojections":
            args = (*args, "--projection", "graph")
        return super().start(*args)

    def digest(self) -> str:
        return self.manage("projection_digest", "graph", check=True).stdout.strip()

    def replay(self) -> str:
        self.manage("replay", "graph", "--yes", check=True)
        return self.digest()


@pytest.fixture
def shared_graph(manage_process) -> Iterator[SharedGraph]:
    env, manage = manage_process
    shared = SharedGraph(env, manage)
    yield shared
    shared.kill_children()


@pytest.mark.django_db(transaction=True)
def test_a_runner_killed_at_random_moments_ends_with_the_graph_of_a_clean_replay(shared_graph):
    head, events = shared_graph.build_workload(seed=11, **SIZES)
    assert events >= 1000
    rng = random.Random(20250101)

    kills = sum(kill_part_way(shared_graph, rng) for _ in range(KILLS))

    assert kills >= 5  # at least five runs died in the middle of their work
    assert min(shared_graph.checkpoints().values(), default=0) < head
    finish = ("runprojections", "--once", "--projection", "graph", "--batch-size", "50")
    shared_graph.manage(*finish, check=True)
    assert set(shared_graph.checkpoints().values()) == {head}
    resumed = shared_graph.digest()
    assert shared_graph.replay() == resumed
