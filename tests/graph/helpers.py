"""Shared by the graph tests: runners over the graph projection, and reading the graph back."""

from typing import Any
from uuid import UUID

from events.store import EventStore
from graph.connection import graph_session
from graph.projection import GraphProjection
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from tests.projections.helpers import LANES, no_sleep


def make_graph_runner(store: EventStore, **options: Any) -> ProjectionRunner:
    """A runner over a fresh graph projection, without real sleeps."""
    per_event = options.pop("per_event", False)
    options = {"lanes": LANES, "batch_size": 100, "backoff": 0.0, "sleep": no_sleep, **options}
    return ProjectionRunner(GraphProjection(per_event=per_event), store, **options)


def catch_up_both(store: EventStore) -> None:
    """Both projections, as the product's runners catch them up."""
    for name in ("relational", "graph"):
        ProjectionRunner(get_projection(name), store, LANES).catch_up()


def graph_replayed_digest(store: EventStore) -> str:
    """The digest of a clean replay: the graph reset and rebuilt from event 0."""
    runner = make_graph_runner(store, batch_size=1000)
    runner.projection.reset()
    runner.catch_up()
    return runner.projection.digest()


def rows(query: str, **params: Any) -> list[dict[str, Any]]:
    with graph_session() as session:
        return session.run(query, params).data()


def value(query: str, **params: Any) -> Any:
    found = rows(query, **params)
    assert len(found) == 1, found
    return next(iter(found[0].values()))


def node(label: str, key: str, node_id: UUID | str) -> dict[str, Any] | None:
    """The properties of one node, or None."""
    found = rows(f"MATCH (n:{label} {{{key}: $id}}) RETURN properties(n) AS p", id=str(node_id))
    return found[0]["p"] if found else None


def sentence_node(sentence_id: UUID) -> dict[str, Any] | None:
    return node("Sentence", "sentence_id", sentence_id)


def analysis_node(sentence_id: UUID) -> dict[str, Any] | None:
    found = rows(
        "MATCH (:Sentence {sentence_id: $id})-[:HAS_ANALYSIS]->(a:Analysis)"
        " RETURN properties(a) AS p",
        id=str(sentence_id),
    )
    assert len(found) <= 1
    return found[0]["p"] if found else None


def links(sentence_id: UUID) -> set[tuple[str, int | None, str, str]]:
    """The sentence's dimension links: (relationship, topic level, label, name)."""
    found = rows(
        "MATCH (:Sentence {sentence_id: $id})-[l]->(d) WHERE d.name IS NOT NULL"
        " RETURN type(l) AS type, l.level AS level, head(labels(d)) AS label, d.name AS name",
        id=str(sentence_id),
    )
    return {(r["type"], r["level"], r["label"], r["name"]) for r in found}


def chain(interview_id: UUID) -> list[int]:
    """Sentence indexes of an interview, following NEXT_SENTENCE from the one with none before."""
    found = rows(
        "MATCH (first:Sentence {interview_id: $id})"
        " WHERE NOT (:Sentence)-[:NEXT_SENTENCE]->(first)"
        " MATCH path = (first)-[:NEXT_SENTENCE*0..]->(last)"
        " WHERE NOT (last)-[:NEXT_SENTENCE]->()"
        " RETURN [s IN nodes(path) | s.index] AS indexes",
        id=str(interview_id),
    )
    assert len(found) == 1, f"not one chain: {found}"
    return found[0]["indexes"]
