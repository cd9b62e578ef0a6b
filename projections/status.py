"""How far each projection has got: a selector for health checks, metrics and operators.

Read from where the progress is recorded (checkpoints through the projection port, the event
store's head), never from a runner's memory: the web process, a metrics scrape and a support
shell all see the same answer, whether or not a runner is alive — which is the point, since a
dead runner is what these numbers must reveal.

Positions are the store's global positions, so `lag_events` (a name kept for the metrics and
their alert rules) is head - checkpoint: a log distance, not a count of events. It counts events
on the SQL store only give or take sequence gaps, and is a distance in commit-log bytes on
EventStoreDB. It is 0 exactly when the lane is caught up; `lag_seconds` is the lag to alert on.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from events.store import EventStore
from events.wiring import get_event_store
from projections.leases import lease_holders
from projections.models import ParkedEvent
from projections.port import ProjectionUnavailable
from projections.registry import get_projection, projection_names


def projection_status(
    lanes: int, *, store: EventStore | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Per projection: its lanes (position, lag, last move, stalled, the runner holding its
    lease if any) and the worst of them; or, when its store does not answer, the error.

    Raises whatever the database or the event store raise when unreachable: callers that must
    answer anyway (health, metrics) catch it; an operations page should show the error.
    """
    store = store or get_event_store()
    now = now or timezone.now()
    head = store.head_position()
    first_pending = _FirstPending(store)
    result = []
    for name in projection_names():
        projection = get_projection(name)
        try:
            positions = projection.checkpoints(lanes)
            moved = projection.checkpoint_moved()
        except ProjectionUnavailable as e:
            # One read model's store being down (Neo4j) must not hide the others' progress.
            result.append(_unavailable(name, head, projection.essential, e))
            continue
        holders = lease_holders(name)
        rows = [
            _lane(lane, position, head, moved.get(lane), first_pending(position, head), now)
            | {"runner": holders[lane][0] if lane in holders else None}
            for lane, position in sorted(positions.items())
        ]
        result.append(
            {
                "projection": name,
                "essential": projection.essential,
                "error": None,
                "head_position": head,
                "lag_events": max((r["lag_events"] for r in rows), default=0),
                "lag_seconds": max((r["lag_seconds"] for r in rows), default=0.0),
                "stalled_lanes": [r["lane"] for r in rows if r["stalled"]],
                "lanes": rows,
            }
        )
    return result


def _unavailable(name: str, head: int, essential: bool, error: Exception) -> dict[str, Any]:
    return {
        "projection": name,
        "essential": essential,
        "error": str(error),
        "head_position": head,
        "lag_events": None,
        "lag_seconds": None,
        "stalled_lanes": [],
        "lanes": [],
    }


def parked_counts() -> dict[str, int]:
    """Events waiting for an operator (state parked), per projection; 0 for none."""
    rows = (
        ParkedEvent.objects.filter(state=ParkedEvent.State.PARKED)
        .values("projection")
        .annotate(count=Count("id"))
    )
    counts = {row["projection"]: row["count"] for row in rows}
    return {name: counts.get(name, 0) for name in projection_names()}


def ping_database() -> None:
    """One round trip to the Django database (raises if it does not answer)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _lane(
    lane: int,
    position: int,
    head: int,
    updated_at: datetime | None,
    pending_since: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """A lane is stalled when it has been behind for longer than PROJECTION_STALL_SECONDS
    without its checkpoint moving.

    Both halves matter: a checkpoint that has not moved for an hour is healthy if the lane had
    nothing to do until the event that arrived a moment ago (`pending_since` is recent), and a
    lane far behind is healthy while its checkpoint keeps moving (a replay). A lane that never
    wrote a checkpoint (`updated_at` None) has not moved since it began.
    """
    limit = settings.PROJECTION_STALL_SECONDS
    lag_seconds = max(0.0, (now - pending_since).total_seconds()) if pending_since else 0.0
    idle = updated_at is None or (now - updated_at).total_seconds() > limit
    return {
        "lane": lane,
        "position": position,
        "lag_events": max(0, head - position),
        "lag_seconds": lag_seconds,
        "updated_at": updated_at,
        "stalled": position < head and lag_seconds > limit and idle,
    }


class _FirstPending:
    """When the first event after a position was recorded; one store read per distinct
    position (lanes mostly share theirs, since every batch advances them all together)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.seen: dict[int, datetime | None] = {}

    def __call__(self, position: int, head: int) -> datetime | None:
        if position >= head:
            return None
        if position not in self.seen:
            events = self.store.read_all(after=position, limit=1)
            self.seen[position] = events[0].recorded_at if events else None
        return self.seen[position]
