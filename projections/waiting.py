"""Read-your-writes (docs/architecture.md, Projections): wait, within a bound, until a projection
has applied a position.

A command answers with the global position of its event; a reader that wants to see its own
write waits here before reading. With the interview (or project) the write concerns, only that
lane is watched — the others may lag without delaying the reader.

A waiting request holds a web thread and polls the database, so waiting is rationed: at most
READ_WAIT_CONCURRENCY requests of a process wait at once (the others answer at once, as if their
wait had timed out), and a waiter polls ever less often (README.md, `?wait_for=`).
"""

import threading
import time
from uuid import UUID

from django.conf import settings

from projections.lanes import lane_of
from projections.models import LaneCheckpoint


def applied_position(
    projection: str = "relational", *, key: str | None = None, lanes: int | None = None
) -> int:
    """The highest position up to which everything (of `key`'s lane, if given) is applied."""
    lanes = lanes or settings.PROJECTION_LANES
    watched = [lane_of(key, lanes)] if key is not None else list(range(lanes))
    stored = dict(
        LaneCheckpoint.objects.filter(projection=projection, lane__in=watched).values_list(
            "lane", "position"
        )
    )
    return min(stored.get(lane, 0) for lane in watched)


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def waiting_slots() -> threading.BoundedSemaphore:
    """The process's slots for waiting requests (one set per READ_WAIT_CONCURRENCY value)."""
    size = settings.READ_WAIT_CONCURRENCY
    with _slots_lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


def wait_for_position(
    position: int,
    *,
    projection: str = "relational",
    interview_id: UUID | None = None,
    project_id: UUID | None = None,
    timeout: float = 5.0,
    poll: float = 0.02,
    max_poll: float = 0.2,
    lanes: int | None = None,
) -> bool:
    """True as soon as `projection` has applied `position`; False if `timeout` passes first,
    or at once when every waiting slot of the process is taken."""
    key = None
    if interview_id is not None:
        key = f"Interview-{interview_id}"
    elif project_id is not None:
        key = f"Project-{project_id}"

    def reached() -> bool:
        return applied_position(projection, key=key, lanes=lanes) >= position

    if reached():
        return True
    slots = waiting_slots()
    if timeout <= 0 or not slots.acquire(blocking=False):
        return False
    try:
        deadline = time.monotonic() + timeout
        while True:
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
            if reached():
                return True
            if time.monotonic() >= deadline:
                return False
            poll = min(poll * 2, max_poll)
    finally:
        slots.release()
