"""The connection to Neo4j, from settings: one driver per process, made on first use.

Everything that talks to the graph goes through `graph_driver()` (batched Cypher for the
projection, read queries for the API) so credentials, the database name and the translation of
connection failures live in one place.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
from django.conf import settings
from neo4j.exceptions import ServiceUnavailable, SessionExpired

__all__ = ["OUTAGES", "GraphUnavailable", "graph_driver", "graph_enabled", "graph_session"]

# The driver's errors for "the server is not there (right now)": wait, never park, for them.
OUTAGES = (ServiceUnavailable, SessionExpired, ConnectionError, OSError)


class GraphUnavailable(Exception):
    """Neo4j is not configured, or does not answer."""


def graph_enabled() -> bool:
    return bool(settings.NEO4J_BOLT_URL)


@cache
def _driver(url: str) -> neo4j.Driver:
    parts = urlsplit(url)
    auth = None
    if parts.username:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    netloc = parts.hostname or "127.0.0.1"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return neo4j.GraphDatabase.driver(
        bare,
        auth=auth,
        connection_timeout=5.0,
        max_transaction_retry_time=5.0,
        # The server's query notifications ("property key does not exist" on an empty graph,
        # planner hints) would be logged for every statement: not ours to act on at run time.
        notifications_min_severity="OFF",
    )


def graph_driver() -> neo4j.Driver:
    """The process's driver for NEO4J_BOLT_URL; GraphUnavailable if the setting is empty."""
    if not graph_enabled():
        raise GraphUnavailable("the graph read model is off: NEO4J_BOLT_URL is not set")
    return _driver(settings.NEO4J_BOLT_URL)


@contextmanager
def graph_session() -> Iterator[neo4j.Session]:
    """A session on NEO4J_DATABASE; connection failures surface as GraphUnavailable."""
    try:
        with graph_driver().session(database=settings.NEO4J_DATABASE) as session:
            yield session
    except OUTAGES as e:
        raise GraphUnavailable(
            f"Neo4j at {_safe(settings.NEO4J_BOLT_URL)} does not answer: {e}"
        ) from e


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
