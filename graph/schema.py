"""Constraints and indexes of the graph read model, derived from the node classes (graph.nodes).

`schema_statements()` lists them as idempotent Cypher (IF NOT EXISTS); `ensure_schema()` runs
them once per process and database, so the projection (and tests, and CI) need no manual step;
`manage.py graph_schema` runs them on demand.
"""

from functools import cache

from django.conf import settings
from neo4j import ManagedTransaction, Session
from neo4j.exceptions import ClientError
from neomodel import StructuredNode

from graph.connection import graph_driver, graph_session
from graph.nodes import CONTENT_NODES, DIMENSION_NODES, LaneCheckpoint

NODE_CLASSES: tuple[type[StructuredNode], ...] = (*CONTENT_NODES, *DIMENSION_NODES)


def schema_statements() -> list[str]:
    """One CREATE ... IF NOT EXISTS per constraint and index, in a stable order."""
    statements = []
    for cls in NODE_CLASSES:
        label = cls.__label__
        for name, prop in cls.defined_properties(aliases=False, rels=False).items():
            snake = f"{label.lower()}_{name}"
            if prop.unique_index:
                statements.append(
                    f"CREATE CONSTRAINT {snake}_unique IF NOT EXISTS"
                    f" FOR (n:{label}) REQUIRE n.{name} IS UNIQUE"
                )
            elif prop.index:
                statements.append(
                    f"CREATE INDEX {snake} IF NOT EXISTS FOR (n:{label}) ON (n.{name})"
                )
    label = LaneCheckpoint.__label__
    statements.append(
        f"CREATE CONSTRAINT lanecheckpoint_unique IF NOT EXISTS"
        f" FOR (n:{label}) REQUIRE (n.projection, n.lane) IS UNIQUE"
    )
    return statements


def create_schema(session: Session) -> list[str]:
    """Run every schema statement (each in its own transaction, as Neo4j requires); wait for
    the indexes to be online. Returns the statements run."""
    statements = schema_statements()
    for statement in statements:
        try:
            # A managed transaction: two processes creating the schema of a fresh Neo4j at
            # once can deadlock (a TransientError), which the driver then retries.
            session.execute_write(_run_statement, statement)
        except ClientError as e:
            # Another process created an equivalent one between our check and our create.
            if "AlreadyExists" not in (e.code or ""):
                raise
    session.run("CALL db.awaitIndexes(300)").consume()
    return statements


def _run_statement(tx: ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


def ensure_schema() -> None:
    """Create the schema unless this process did so already for this server and database."""
    _ensure(settings.NEO4J_BOLT_URL, settings.NEO4J_DATABASE, id(graph_driver()))


@cache
def _ensure(url: str, database: str, driver: int) -> None:
    # Cached only when it succeeded: an exception is not cached, so an outage is retried.
    with graph_session() as session:
        # Fails at once when Neo4j does not answer; the managed transactions of create_schema
        # would retry that for max_transaction_retry_time, holding up the runner's other work.
        session.run("RETURN 1").consume()
        create_schema(session)
