"""The projections by name: the one place that knows which read models exist.

The graph projection exists only where Neo4j is configured (NEO4J_BOLT_URL): without it the
product runs on the relational read model alone.
"""

from collections.abc import Callable

from django.conf import settings

from projections.port import Projection


def _relational() -> Projection:
    from readmodel.projection import RelationalProjection

    return RelationalProjection()


def _graph() -> Projection:
    from graph.projection import GraphProjection

    return GraphProjection()


def factories() -> dict[str, Callable[[], Projection]]:
    known: dict[str, Callable[[], Projection]] = {"relational": _relational}
    if settings.NEO4J_BOLT_URL:
        known["graph"] = _graph
    return known


class UnknownProjection(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown projection {name!r} (known: {', '.join(factories())})")


def projection_names() -> tuple[str, ...]:
    return tuple(factories())


def get_projection(name: str) -> Projection:
    try:
        return factories()[name]()
    except KeyError:
        raise UnknownProjection(name) from None
