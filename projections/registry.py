"""The projections by name: the one place that knows which read models exist."""

from collections.abc import Callable

from projections.port import Projection


def _relational() -> Projection:
    from readmodel.projection import RelationalProjection

    return RelationalProjection()


FACTORIES: dict[str, Callable[[], Projection]] = {"relational": _relational}


class UnknownProjection(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown projection {name!r} (known: {', '.join(FACTORIES)})")


def projection_names() -> tuple[str, ...]:
    return tuple(FACTORIES)


def get_projection(name: str) -> Projection:
    try:
        return FACTORIES[name]()
    except KeyError:
        raise UnknownProjection(name) from None
