"""Loading aggregates from their streams and appending what they recorded.

The repository is the only part of `commands` that talks to the event store, and the one place
a store `ConcurrencyError` becomes the caller-facing `StaleVersion`.
"""

from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from commands.aggregates.base import Aggregate
from commands.errors import InvalidCommand, StaleVersion
from events.envelope import stream_name
from events.store import (
    AppendResult,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    ExpectedVersion,
)

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class EventRef:
    """Where a stored event sits, to answer for a command that was already handled."""

    event_id: UUID
    version: int
    position: int


class Repository:
    """Aggregates by id, rebuilt from their streams.

    It is also an identity map: an aggregate loaded once is kept and, on the next `get`, only
    brought up to date with the events appended since — so a pipeline creating hundreds of
    sentences reads its project once, and a test can compare the state the handlers built with
    a rebuild from the store. One repository serves one caller; it is not shared across threads.
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._seen: dict[str, Aggregate] = {}
        self._refs: dict[str, dict[UUID, EventRef]] = {}

    def get(self, cls: type[A], aggregate_id: UUID) -> A:
        """The aggregate at its current version; a new one (`version` None) if never stored."""
        stream = stream_name(cls.aggregate_type, aggregate_id)
        aggregate = self._seen.get(stream)
        if not isinstance(aggregate, cls) or aggregate.pending:
            # Pending events left over from a command that failed must not leak into the next.
            aggregate = cls(id=aggregate_id)
            self._refs[stream] = {}
        from_version = 0 if aggregate.version is None else aggregate.version + 1
        for event in self.store.read_stream(stream, from_version=from_version):
            aggregate.replay(event)
            self._refs[stream][event.event_id] = EventRef(
                event.event_id, event.version, event.position
            )
        self._seen[stream] = aggregate
        return aggregate

    def recorded(self, aggregate: Aggregate, event_id: UUID) -> EventRef | None:
        """The stored event of `aggregate` with this id, if `get` has seen it."""
        return self._refs.get(aggregate.stream, {}).get(event_id)

    def first_event(self, aggregate: Aggregate) -> EventRef:
        """The creation event of a stored aggregate."""
        refs = self._refs.get(aggregate.stream, {})
        return next(ref for ref in refs.values() if ref.version == 0)

    def check_version(self, aggregate: Aggregate, expected_version: int) -> None:
        """Raise StaleVersion unless `aggregate` is still at the version the caller saw."""
        if aggregate.version != expected_version:
            raise self._stale(aggregate.stream, expected_version)

    def save(self, aggregate: Aggregate, expected_version: ExpectedVersion) -> AppendResult:
        """Append the aggregate's pending events at `expected_version`.

        A conflict raises StaleVersion and appends nothing; the events are never re-appended
        on the caller's behalf, which is how the replaced system lost experts' work
        (docs/architecture.md, Standing rule 1).
        """
        if not aggregate.pending:
            raise ValueError(f"{aggregate.stream} has no pending events to save")
        stream = aggregate.stream
        pending = list(aggregate.pending)
        try:
            result = self.store.append(stream, pending, expected_version)
        except ConcurrencyError as e:
            self._forget(stream)
            expected = expected_version if isinstance(expected_version, int) else None
            raise self._stale(stream, expected) from e
        except DuplicateEventError as e:
            self._forget(stream)
            raise InvalidCommand(f"the command's event id is already used elsewhere: {e}") from e
        except Exception:
            self._forget(stream)
            raise
        refs = self._refs.setdefault(stream, {})
        for event, position, version in zip(
            pending, result.positions, _versions_of(result), strict=True
        ):
            refs[event.event_id] = EventRef(event.event_id, version, position)
        aggregate.mark_saved(result.version)
        self._seen[stream] = aggregate
        return result

    def _stale(self, stream: str, expected_version: int | None) -> StaleVersion:
        # Everything after what the caller saw, read after the conflict so it includes the
        # change that caused it; the current version is taken from the same read.
        from_version = 0 if expected_version is None else expected_version + 1
        unseen = self.store.read_stream(stream, from_version=from_version)
        current = unseen[-1].version if unseen else self.store.current_version(stream)
        return StaleVersion(stream, expected_version, current, unseen)

    def _forget(self, stream: str) -> None:
        self._seen.pop(stream, None)
        self._refs.pop(stream, None)


def _versions_of(result: AppendResult) -> range:
    first = result.version - len(result.positions) + 1
    return range(first, result.version + 1)
