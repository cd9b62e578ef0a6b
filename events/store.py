"""The event store port.

Backends: `SqlEventStore` (events.sql_store) and `EsdbEventStore` (events.esdb_store).

Contract (checked by tests/events/contract.py against every backend):

- `append(stream, events, expected_version)` writes all events or none. `expected_version` is
  the stream's current version (0-based index of its last event), `NO_STREAM` (the stream must
  not exist) or `ANY`. A mismatch raises `ConcurrencyError`, which carries the actual version.
- Re-appending events whose ids are all already recorded in that stream is a no-op that returns
  the original result, whatever `expected_version` says: a caller that lost the answer to an
  append can safely send it again. An id recorded in another stream, or a batch that is only
  partly recorded, raises `DuplicateEventError` (EsdbEventStore cannot see ids of other
  streams: EventStoreDB has no index for them; see events.esdb_store).
- Event data is validated against the catalogue before anything is written
  (`EventSchemaError`, `UnknownEventType`).
- Every recorded event has a global `position`, strictly increasing in commit order. A reader of
  `read_all(after=p)` never misses an event that commits later with a position <= what it has
  already seen (no "late commit" gaps).
- Positions are not event counts and need not be dense: EventStoreDB's are commit positions
  (offsets in its log). `after` must be 0 or a position the store returned; `p - 1` or `p + 1`
  is no position at all there (the server refuses it), and `head - checkpoint` is a distance
  in the log, not a number of events.
- `read_event(stream, event_id)` is the recorded event `event_id` of `stream`, or None if that
  stream holds no such event: how to fetch one known event without position arithmetic.
- Stream names are `<aggregate type>-<uuid>` with the UUID in canonical form
  (events.envelope.parse_stream); any other name is refused with ValueError.
- A store that cannot be reached (or does not answer in time) raises `EventStoreUnavailable`;
  any other failure of the backend is an `EventStoreError`, never the driver's own exception.
- Reads return events upcast to the current schema version of their type, and as text every
  reader can encode: a string an older release let in with a lone surrogate or NUL (refused on
  append since, see events.text) is read with U+FFFD in their place.
"""

import abc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from uuid import UUID

from events import catalogue
from events.envelope import Actor, NewEvent, RecordedEvent, parse_stream
from events.text import readable


class StreamState(Enum):
    NO_STREAM = "no_stream"
    ANY = "any"


NO_STREAM = StreamState.NO_STREAM
ANY = StreamState.ANY
ExpectedVersion = int | StreamState


class EventStoreError(Exception):
    """Base class of the store's own errors; backends translate driver errors into these."""


class ConcurrencyError(EventStoreError):
    """The stream is not at the expected version."""

    def __init__(self, stream: str, expected: ExpectedVersion, actual: int | None) -> None:
        self.stream = stream
        self.expected = expected
        self.actual = actual  # None: the stream does not exist
        shown = expected.name if isinstance(expected, StreamState) else expected
        super().__init__(f"{stream}: expected version {shown}, stream is at {actual}")


class DuplicateEventError(EventStoreError):
    """An event id is already recorded elsewhere, or only part of a batch was recorded."""


class EventStoreUnavailable(EventStoreError):
    """The store cannot be reached."""


@dataclass(frozen=True)
class AppendResult:
    stream: str
    version: int  # the stream's version after the append (its last event's version)
    positions: tuple[int, ...]  # global positions of the appended events, in order

    @property
    def position(self) -> int:
        return self.positions[-1]


@dataclass(frozen=True)
class EventFilter:
    """Which events `read_all` returns: by event type and/or stream category (aggregate type)."""

    event_types: frozenset[str] | None = None
    categories: frozenset[str] | None = None

    @classmethod
    def of(
        cls, event_types: Sequence[str] | None = None, categories: Sequence[str] | None = None
    ) -> "EventFilter":
        return cls(
            frozenset(event_types) if event_types else None,
            frozenset(categories) if categories else None,
        )

    def matches(self, event_type: str, category: str) -> bool:
        return (self.event_types is None or event_type in self.event_types) and (
            self.categories is None or category in self.categories
        )


@dataclass(frozen=True)
class ValidatedEvent:
    """A NewEvent whose data passed the catalogue, ready for a backend to write."""

    event: NewEvent
    schema_version: int
    data: dict


class EventStore(abc.ABC):
    """Validation, upcasting and the catch-up subscription live here; backends store and read."""

    def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Append `events` atomically to `stream` (see the module docstring for the contract)."""
        if not events:
            raise ValueError("append needs at least one event")
        aggregate_type, _ = parse_stream(stream)
        if isinstance(expected_version, int) and expected_version < 0:
            raise ValueError("expected_version must be >= 0, NO_STREAM or ANY")
        ids = [e.event_id for e in events]
        if len(set(ids)) != len(ids):
            raise DuplicateEventError("the batch repeats an event id")
        if any(e.occurred_at.tzinfo is None for e in events):
            raise ValueError("occurred_at must be timezone-aware (UTC)")
        validated = []
        for event in events:
            # The actor's display name comes from a user account: held to the same rule as data.
            catalogue.refuse_invalid_text(f"{event.event_type} actor", event.actor.as_dict())
            version, data = catalogue.validate(
                event.event_type, event.data, aggregate_type=aggregate_type
            )
            validated.append(ValidatedEvent(event, version, data))
        return self._append(stream, validated, expected_version)

    def read_stream(
        self, stream: str, *, from_version: int = 0, limit: int | None = None
    ) -> list[RecordedEvent]:
        """Events of `stream` with version >= from_version, in version order ([] if none)."""
        parse_stream(stream)
        return [self._upcast(e) for e in self._read_stream(stream, from_version, limit)]

    def read_event(self, stream: str, event_id: UUID) -> RecordedEvent | None:
        """Event `event_id` of `stream`, upcast; None if the stream holds no such event."""
        parse_stream(stream)
        found = self._read_event(stream, event_id)
        return None if found is None else self._upcast(found)

    def read_all(
        self, *, after: int = 0, filter: EventFilter | None = None, limit: int | None = None
    ) -> list[RecordedEvent]:
        """Events with position > after, in position order, matching `filter`, at most `limit`."""
        return [self._upcast(e) for e in self._read_all(after, filter or EventFilter(), limit)]

    @abc.abstractmethod
    def current_version(self, stream: str) -> int | None:
        """The version of the stream's last event, or None if the stream does not exist."""

    @abc.abstractmethod
    def head_position(self) -> int:
        """The position of the last recorded event (0 if the store is empty)."""

    def subscribe(
        self,
        *,
        after: int = 0,
        filter: EventFilter | None = None,
        batch_size: int = 500,
        should_stop: Callable[[], bool] = lambda: False,
        min_wait: float = 0.05,
        max_wait: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[RecordedEvent]:
        """Catch-up subscription: yield every event after `after`, then follow new ones.

        Polls `read_all`; when caught up it waits, doubling the wait from `min_wait` up to
        `max_wait`, and resets it as soon as events arrive. Ends when `should_stop()` is true.
        """
        wait = min_wait
        while not should_stop():
            batch = self.read_all(after=after, filter=filter, limit=batch_size)
            for event in batch:
                yield event
                after = event.position
            if len(batch) == batch_size:
                wait = min_wait
                continue
            if not batch:
                sleep(wait)
                wait = min(wait * 2, max_wait)
            else:
                wait = min_wait

    @staticmethod
    def _upcast(event: RecordedEvent) -> RecordedEvent:
        # Events appended before events.text's rule may hold strings no reader can encode:
        # read them as text (U+FFFD in place of each such character) on every backend, so no
        # history stays unreadable. The stored event itself is never changed (append-only).
        event = replace(
            event, data=readable(event.data), actor=Actor.from_dict(readable(event.actor.as_dict()))
        )
        version, data = catalogue.upcast(event.event_type, event.schema_version, event.data)
        if version == event.schema_version:
            return event
        return replace(event, schema_version=version, data=data)

    @abc.abstractmethod
    def _append(
        self, stream: str, events: Sequence[ValidatedEvent], expected_version: ExpectedVersion
    ) -> AppendResult: ...

    @abc.abstractmethod
    def _read_stream(
        self, stream: str, from_version: int, limit: int | None
    ) -> list[RecordedEvent]: ...

    @abc.abstractmethod
    def _read_event(self, stream: str, event_id: UUID) -> RecordedEvent | None: ...

    @abc.abstractmethod
    def _read_all(
        self, after: int, filter: EventFilter, limit: int | None
    ) -> list[RecordedEvent]: ...


def check_expected_version(stream: str, expected: ExpectedVersion, actual: int | None) -> None:
    """Raise ConcurrencyError unless a stream at `actual` (None: absent) satisfies `expected`."""
    if expected is ANY:
        return
    if expected is NO_STREAM:
        if actual is not None:
            raise ConcurrencyError(stream, expected, actual)
        return
    if actual != expected:
        raise ConcurrencyError(stream, expected, actual)


def next_versions(actual: int | None, count: int) -> range:
    start = 0 if actual is None else actual + 1
    return range(start, start + count)
