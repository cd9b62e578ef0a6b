"""Parked events: listing, retrying in order, discarding (docs/architecture.md, Projections;
Standing rule 5).

A parked event was given up on after retries; the later events of its interview wait behind it
(also parked), so an interview's events are applied in order or not at all. Retrying applies
them again in position order, stopping at the first that still fails; discarding drops one
without applying it. When nothing of an interview is parked any more, it is unblocked.
"""

from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from events.envelope import RecordedEvent
from events.store import EventStore
from projections.models import ParkedEvent
from projections.port import ApplyFailed, Projection

PARKED = ParkedEvent.State.PARKED


def blocked_keys(projection: str) -> dict[str, int]:
    """Interview/project keys with parked events in `projection`, each with its first one's id."""
    rows = (
        ParkedEvent.objects.filter(projection=projection, state=PARKED)
        .values("blocking_key")
        .annotate(first=Min("id"))
    )
    return {row["blocking_key"]: row["first"] for row in rows}


def record_parked(
    projection: str,
    lane: int,
    event: RecordedEvent,
    *,
    key: str,
    error: str,
    traceback: str,
    attempts: int,
    behind: int | None,
) -> ParkedEvent:
    """The ParkedEvent row of `event` in `projection`, created unless it exists (parking the
    same event twice is a no-op: the port's contract). Every projection parks in this table."""
    parked, _ = ParkedEvent.objects.get_or_create(
        projection=projection,
        position=event.position,
        defaults={
            "lane": lane,
            "event_id": event.event_id,
            "event_type": event.event_type,
            "stream": event.stream,
            "blocking_key": key,
            "behind_id": behind,
            "error": error,
            "traceback": traceback,
            "attempts": attempts,
        },
    )
    return parked


def mark_resolved(parked_id: int) -> ParkedEvent:
    """Mark a parked event applied by a retry (its row locked for the caller's transaction)."""
    parked = ParkedEvent.objects.select_for_update().get(id=parked_id)
    parked.state, parked.resolved_at = ParkedEvent.State.RESOLVED, timezone.now()
    parked.save(update_fields=["state", "resolved_at"])
    return parked


def has_parked(projection: str, key: str) -> bool:
    """Whether any event of this interview (or project) is still parked in `projection`."""
    return ParkedEvent.objects.filter(
        projection=projection, state=PARKED, blocking_key=key
    ).exists()


def parked_queue(projection: str, key: str) -> list[ParkedEvent]:
    """The parked events of one interview (or project), in the order they must be applied."""
    return list(
        ParkedEvent.objects.filter(projection=projection, state=PARKED, blocking_key=key).order_by(
            "position"
        )
    )


@dataclass(frozen=True)
class RetryOutcome:
    applied: int
    remaining: int  # still parked for that key (0: the interview is unblocked)
    error: str | None = None  # why the first remaining one still fails


class ParkedError(Exception):
    """An operator request that cannot be carried out as asked; the message says why."""


def retry(projection: Projection, store: EventStore, key: str) -> RetryOutcome:
    """Apply the parked events of `key` in order; stop at the first that still fails."""
    queue = parked_queue(projection.name, key)
    if not queue:
        raise ParkedError(f"nothing of {key} is parked in the {projection.name} projection")
    applied = 0
    for index, parked in enumerate(queue):
        event = parked_event(store, parked)
        try:
            projection.apply_parked(event, parked.id)
        except ApplyFailed as failure:
            parked.attempts += 1
            parked.error = f"{type(failure.error).__name__}: {failure.error}"
            parked.traceback = failure.traceback
            parked.save(update_fields=["attempts", "error", "traceback"])
            return RetryOutcome(applied, len(queue) - index, parked.error)
        applied += 1
    return RetryOutcome(applied, 0)


def retry_one(projection: Projection, store: EventStore, parked_id: int) -> RetryOutcome:
    """Retry from parked event `parked_id`, which must be the first of its interview's queue."""
    parked = _get(parked_id, projection)
    queue = parked_queue(parked.projection, parked.blocking_key)
    if queue[0].id != parked.id:
        raise ParkedError(
            f"parked event {parked.id} waits behind {queue[0].id}: retry that one, or all of"
            f" {parked.blocking_key} with --interview"
        )
    return retry(projection, store, parked.blocking_key)


def discard(projection: Projection, parked_id: int) -> ParkedEvent:
    """Drop a parked event without applying it; unblock its interview if nothing else waits."""
    parked = _get(parked_id, projection)
    parked.state = ParkedEvent.State.DISCARDED
    parked.resolved_at = timezone.now()
    parked.save(update_fields=["state", "resolved_at"])
    projection.refresh_blocked(parked.blocking_key)
    return parked


def _get(parked_id: int, projection: Projection) -> ParkedEvent:
    try:
        parked = ParkedEvent.objects.get(id=parked_id)
    except ParkedEvent.DoesNotExist:
        raise ParkedError(f"no parked event {parked_id}") from None
    if parked.projection != projection.name:
        # Handled by another projection, the event would unblock or apply in the wrong model.
        raise ParkedError(
            f"parked event {parked_id} is the {parked.projection} projection's, not the"
            f" {projection.name} one's"
        )
    if parked.state != PARKED:
        raise ParkedError(f"parked event {parked_id} is {parked.state} already")
    return parked


def parked_event(store: EventStore, parked: ParkedEvent) -> RecordedEvent:
    """The recorded event a ParkedEvent row stands for, fetched by its stream and id.

    Never by `read_all(after=position - 1)`: positions are not dense (EventStoreDB's are commit
    positions, and the server refuses to start a read at one that is not an event's).
    """
    event = store.read_event(parked.stream, parked.event_id)
    if event is None:
        raise ParkedError(
            f"the event store has no event {parked.event_id} in {parked.stream}"
            f" (parked event {parked.id})"
        )
    if event.position != parked.position:
        # Same id, another place in the log: the store is not the one the event was parked
        # from (restored or rebuilt), and the projection's checkpoints do not fit it either.
        raise ParkedError(
            f"event {parked.event_id} is at position {event.position} in the event store, but"
            f" was parked at {parked.position}: replay the {parked.projection} projection"
        )
    return event
