"""The graph's constraints and indexes (docs/architecture.md, Projections): derived from
graph.nodes, created by `manage.py graph_schema` (idempotent) and by the projection itself on first
use."""

from io import StringIO

import pytest
from django.core.management import call_command
from neo4j.exceptions import ConstraintError

from graph import schema
from graph.connection import graph_session
from graph.projection import GraphProjection
from tests.graph.helpers import rows

UNIQUE = {
    ("Project", "project_id"),
    ("Interview", "interview_id"),
    ("Sentence", "sentence_id"),
    ("Analysis", "sentence_id"),
    *((label, "name") for label in ("FunctionType", "StructureType", "Purpose", "Topic")),
    ("Keyword", "name"),
    ("DomainKeyword", "name"),
}
INDEXED = {("Sentence", "interview_id"), ("Sentence", "project_id"), ("Interview", "project_id")}


def constraints() -> set[tuple[str, ...]]:
    found = rows("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")
    return {(r["labelsOrTypes"][0], *r["properties"]) for r in found if r["type"] == "UNIQUENESS"}


def indexes() -> set[tuple[str, ...]]:
    found = rows("SHOW INDEXES YIELD type, owningConstraint, labelsOrTypes, properties")
    return {
        (r["labelsOrTypes"][0], *r["properties"])
        for r in found
        if r["type"] == "RANGE" and r["owningConstraint"] is None
    }


def drop_schema() -> None:
    with graph_session() as session:
        for r in session.run("SHOW CONSTRAINTS YIELD name").data():
            session.run(f"DROP CONSTRAINT {r['name']}").consume()
        for r in session.run("SHOW INDEXES YIELD name, type WHERE type = 'RANGE'").data():
            session.run(f"DROP INDEX {r['name']}").consume()
    schema._ensure.cache_clear()


def graph_schema() -> str:
    out = StringIO()
    call_command("graph_schema", stdout=out)
    return out.getvalue()


def test_graph_schema_creates_the_uniqueness_constraints_and_indexes():
    drop_schema()

    out = graph_schema()

    assert constraints() >= UNIQUE | {("LaneCheckpoint", "projection", "lane")}
    assert indexes() >= INDEXED
    assert len(out.splitlines()) == len(schema.schema_statements())
    assert all("IF NOT EXISTS" in line for line in out.splitlines())


def test_graph_schema_can_run_again():
    graph_schema()
    before = (constraints(), indexes())

    graph_schema()

    assert (constraints(), indexes()) == before


@pytest.mark.django_db
def test_the_projection_creates_the_schema_on_first_use(store, workload):
    drop_schema()
    assert not constraints()

    GraphProjection().stored_checkpoints()

    assert constraints() >= UNIQUE


def test_a_second_node_with_the_same_id_is_refused():
    graph_schema()
    with graph_session() as session:
        session.run("CREATE (:Sentence {sentence_id: 's-1'})").consume()
        with pytest.raises(ConstraintError):
            session.run("CREATE (:Sentence {sentence_id: 's-1'})").consume()
