"""The Django database being unreachable, as the runner sees it: an outage to wait out.

The relational read model, the graph's parked events and the lane leases all live in the
Django database; when it is down (or its connection dropped) the runner backs off and tries the
same events again — it never parks an event for an outage.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError

from projections.port import ProjectionUnavailable

# Errors of the database itself (down, locked, connection lost), not of the statement.
DATABASE_OUTAGES = (OperationalError, InterfaceError)


@contextmanager
def database_outage_guard(what: str) -> Iterator[None]:
    """Turn the database being unreachable into ProjectionUnavailable, naming `what` failed."""
    try:
        yield
    except DATABASE_OUTAGES as e:
        raise ProjectionUnavailable(f"{what}: {e}") from e
