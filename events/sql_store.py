"""The event store in the Django database (SQLite or PostgreSQL)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

from django.db import IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.utils import timezone

from events.envelope import Actor, RecordedEvent, parse_stream
from events.models import StoredEvent
from events.store import (
    AppendResult,
    ConcurrencyError,
    DuplicateEventError,
    EventFilter,
    EventStore,
    EventStoreUnavailable,
    ExpectedVersion,
    ValidatedEvent,
    check_expected_version,
    next_versions,
)


class SqlEventStore(EventStore):
    def __init__(self, using: str = "default") -> None:
        self.using = using

    def _append(
        self, stream: str, events: Sequence[ValidatedEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        category, aggregate_id = parse_stream(stream)
        try:
            with _unavailable_on_driver_errors(), transaction.atomic(using=self.using):
                self._serialise_writers()
                recorded = self._already_recorded(stream, events)
                if recorded is not None:
                    return recorded
                actual = self.current_version(stream)
                check_expected_version(stream, expected_version, actual)
                now = timezone.now()
                rows = [
                    StoredEvent(
                        event_id=v.event.event_id,
                        stream=stream,
                        category=category,
                        aggregate_id=aggregate_id,
                        version=version,
                        event_type=v.event.event_type,
                        schema_version=v.schema_version,
                        occurred_at=v.event.occurred_at,
                        recorded_at=now,
                        actor=v.event.actor.as_dict(),
                        correlation_id=v.event.correlation_id,
                        causation_id=v.event.causation_id,
                        data=v.data,
                    )
                    for v, version in zip(events, next_versions(actual, len(events)), strict=True)
                ]
                StoredEvent.objects.using(self.using).bulk_create(rows)
        except IntegrityError as e:
            # Only reachable if another writer slipped past the lock (e.g. a second process on
            # a database without one): the unique (stream, version) key still protects us.
            raise ConcurrencyError(stream, expected_version, self.current_version(stream)) from e
        return AppendResult(stream, rows[-1].version, tuple(r.position for r in rows))

    def _serialise_writers(self) -> None:
        # PostgreSQL hands out identity values at INSERT time, not at commit: without this lock a
        # transaction holding position 9 could commit after one holding 10, and a reader that
        # already moved past 10 would never see 9. EXCLUSIVE blocks other writers but not
        # readers, and is held until commit. SQLite needs nothing: it has a single writer and
        # our transactions begin IMMEDIATE.
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {StoredEvent._meta.db_table} IN EXCLUSIVE MODE")

    def _already_recorded(
        self, stream: str, events: Sequence[ValidatedEvent]
    ) -> AppendResult | None:
        ids = [v.event.event_id for v in events]
        existing = {
            row.event_id: row
            for row in StoredEvent.objects.using(self.using)
            .filter(event_id__in=ids)
            .only("event_id", "stream", "version", "position")
        }
        if not existing:
            return None
        if len(existing) != len(ids) or any(r.stream != stream for r in existing.values()):
            raise DuplicateEventError(
                f"{len(existing)} of {len(ids)} event ids are already recorded"
                f" (streams: {sorted({r.stream for r in existing.values()})})"
            )
        rows = [existing[i] for i in ids]
        return AppendResult(stream, max(r.version for r in rows), tuple(r.position for r in rows))

    def current_version(self, stream: str) -> int | None:
        with _unavailable_on_driver_errors():
            return (
                StoredEvent.objects.using(self.using)
                .filter(stream=stream)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )

    def head_position(self) -> int:
        with _unavailable_on_driver_errors():
            last = (
                StoredEvent.objects.using(self.using)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
        return last or 0

    def _read_stream(
        self, stream: str, from_version: int, limit: int | None
    ) -> list[RecordedEvent]:
        rows = (
            StoredEvent.objects.using(self.using)
            .filter(stream=stream, version__gte=from_version)
            .order_by("version")
        )
        with _unavailable_on_driver_errors():
            return [_to_recorded(r) for r in (rows[:limit] if limit is not None else rows)]

    def _read_event(self, stream: str, event_id: UUID) -> RecordedEvent | None:
        with _unavailable_on_driver_errors():
            row = (
                StoredEvent.objects.using(self.using)
                .filter(stream=stream, event_id=event_id)
                .first()
            )
        return None if row is None else _to_recorded(row)

    def _read_all(self, after: int, filter: EventFilter, limit: int | None) -> list[RecordedEvent]:
        rows = StoredEvent.objects.using(self.using).filter(position__gt=after)
        if filter.event_types is not None:
            rows = rows.filter(event_type__in=filter.event_types)
        if filter.categories is not None:
            rows = rows.filter(category__in=filter.categories)
        rows = rows.order_by("position")
        with _unavailable_on_driver_errors():
            return [_to_recorded(r) for r in (rows[:limit] if limit is not None else rows)]


def _to_recorded(row: StoredEvent) -> RecordedEvent:
    return RecordedEvent(
        event_id=row.event_id,
        event_type=row.event_type,
        schema_version=row.schema_version,
        stream=row.stream,
        aggregate_type=row.category,
        aggregate_id=row.aggregate_id,
        version=row.version,
        position=row.position,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        actor=Actor.from_dict(row.actor),
        correlation_id=row.correlation_id,
        causation_id=row.causation_id,
        data=row.data,
    )


@contextmanager
def _unavailable_on_driver_errors() -> Iterator[None]:
    """Translate "cannot talk to the database" (down, restarting, locked past the timeout)."""
    try:
        yield
    except (OperationalError, InterfaceError) as e:
        raise EventStoreUnavailable(f"event store database unavailable: {e}") from e
