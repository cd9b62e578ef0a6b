"""The graph and the relational read model, projected from the same log, hold the same
sentences with the same effective values (compared through graph.digest's effective-values
digest); the graph's own digest, replay and counts through the shared commands."""

import random
import signal
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commands.aggregates import sentence_id
from events.wiring import get_event_store
from graph.connection import graph_session
from graph.digest import (
    graph_digest,
    graph_effective_digest,
    graph_effective_lines,
    relational_effective_digest,
    relational_effective_lines,
)
from graph.projection import GraphProjection
from tests.graph.helpers import catch_up_both, make_graph_runner
from tests.ingestion.helpers import SAMPLE_FILES, ingest_sample
from tests.projections.workload import WorkloadBuilder

pytestmark = pytest.mark.django_db

CORRECTIONS = 120


@pytest.fixture
def signal_handlers_restored() -> Iterator[None]:
    """runprojections installs SIGTERM and SIGINT handlers in the test process; undo that."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def samples_corrected():
    """Every sample transcript ingested with the heuristic analyzer into one project, then
    corrected by the cast: edits, overrides, reverts, clears, confirmations, re-analyses."""
    store = get_event_store()
    builder = WorkloadBuilder(store, seed=5)
    for path in SAMPLE_FILES:
        outcome = ingest_sample(store, slug="ledgerline", sample=path)
        builder.workload.sentence_ids[outcome.interview_id] = [
            sentence_id(outcome.interview_id, index) for index in range(outcome.sentences)
        ]
    builder.human_commands(CORRECTIONS)
    catch_up_both(store)
    return store


def test_both_projections_hold_the_same_effective_values(samples_corrected):
    graph, relational = list(graph_effective_lines()), list(relational_effective_lines())

    assert len(graph) == len(relational) > 100
    assert graph == relational  # line by line first: a failure shows the sentence
    assert graph_effective_digest() == relational_effective_digest()


def test_the_effective_digest_sees_a_link_the_graph_lost(samples_corrected):
    with graph_session() as session:
        session.run("MATCH ()-[l:HAS_PURPOSE]->() WITH l LIMIT 1 DELETE l").consume()

    assert graph_effective_digest() != relational_effective_digest()


def test_graph_compare_says_whether_the_two_agree(samples_corrected):
    out, _ = command("graph_compare")
    assert out.splitlines() == [
        f"graph       {graph_effective_digest()}",
        f"relational  {relational_effective_digest()}",
        "the graph and the relational read model hold the same effective values",
    ]

    with graph_session() as session:
        session.run("MATCH (s:Sentence) WITH s LIMIT 1 SET s.text = 'changed'").consume()
    with pytest.raises(CommandError, match="differ"):
        command("graph_compare")


class TestSharedCommands:
    def test_projection_digest_prints_the_graphs_digest_and_counts(self, store, workload):
        make_graph_runner(store).catch_up()

        out, err = command("projection_digest", "graph", "--verbose")

        assert out == graph_digest() + "\n"
        counts = dict(line.split(": ") for line in err.splitlines())
        assert int(counts["Sentence"]) == len(workload.all_sentence_ids)
        assert int(counts["LaneCheckpoint"]) == 12

    def test_replay_rebuilds_the_same_graph(self, store, workload):
        runner = make_graph_runner(store)
        runner.catch_up()
        before = runner.projection.digest()

        out, _ = command("replay", "graph", "--yes")

        assert out.strip() == f"replayed graph: {workload.events} events applied, 0 parked"
        assert GraphProjection().digest() == before

    @pytest.mark.django_db(transaction=True)  # the command closes connections between batches
    def test_runprojections_runs_the_graph_beside_the_relational_projection(
        self, store, workload, signal_handlers_restored
    ):
        out, _ = command("runprojections", "--once")

        assert out.splitlines() == [
            f"relational: applied {workload.events}, parked 0",
            f"graph: applied {workload.events}, parked 0",
        ]
        assert graph_effective_digest() == relational_effective_digest()

    def test_a_rebuilt_graph_digest_does_not_depend_on_batch_boundaries(self, store, workload):
        rng = random.Random(3)
        digests = set()
        for batch_size in (1000, rng.randint(2, 9), rng.randint(10, 40)):
            runner = make_graph_runner(store, batch_size=batch_size)
            runner.projection.reset()
            runner.catch_up()
            digests.add(runner.projection.digest())

        assert len(digests) == 1
