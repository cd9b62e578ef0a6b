"""The event store in EventStoreDB / KurrentDB, through esdbclient (>= 1.1, server >= 22.10).

Mapping: our stream is the ESDB stream, our version its stream position, our `position` the
event's commit position in `$all` (unique and strictly increasing; ESDB only makes committed
events visible, in log order, so readers see no late-commit gaps). ESDB's event id is our
event_id, its event type ours, its JSON data our `data`; the rest of the envelope is JSON
metadata. `recorded_at` is the server's "created" time, esdbclient's `recorded_at` (falling back
to `occurred_at` in the unexpected case that the server sent none).

Limitation: ESDB has no index of event ids across streams, so an id already recorded in *another*
stream is not detected (that would need a scan of `$all`, or a non-atomic claim stream per id).
Ids in the target stream are checked exactly, which covers retries and partly recorded batches.
"""

import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import esdbclient
from esdbclient.exceptions import (
    DeadlineExceeded,
    DiscoveryFailed,
    NotFound,
    ServiceUnavailable,
    WrongCurrentVersion,
)

from events.envelope import AGGREGATE_TYPES, Actor, RecordedEvent, parse_stream
from events.store import (
    ANY,
    NO_STREAM,
    AppendResult,
    ConcurrencyError,
    DuplicateEventError,
    EventFilter,
    EventStore,
    EventStoreError,
    EventStoreUnavailable,
    ExpectedVersion,
    ValidatedEvent,
)


class EsdbEventStore(EventStore):
    def __init__(self, url: str) -> None:
        """Connects lazily for a single `esdb://` target; `esdb+discover://` asks gossip now."""
        with _translate_unavailable():
            self._client = esdbclient.EventStoreDBClient(uri=url)

    def close(self) -> None:
        self._client.close()

    def _append(
        self, stream: str, events: Sequence[ValidatedEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Three round trips: read the stream (idempotency), append, read back our positions.

        esdbclient returns only the last commit position, and with ANY we do not know our
        versions in advance, so we read them back from the stream's old end. Reading the whole
        stream first is fine for aggregate-sized streams. With ANY, two identical appends racing
        between our read and our append may both be written: ESDB's own id check is best-effort.
        """
        ids = [v.event.event_id for v in events]
        with _translate_unavailable():
            existing = self._get_stream(stream, 0)
            recorded = _already_recorded(stream, ids, existing)
            if recorded is not None:
                return recorded
            old_end = existing[-1].stream_position + 1 if existing else 0
            try:
                self._client.append_to_stream(
                    stream,
                    current_version=to_esdb_expected(expected_version),
                    events=[to_new_event(v) for v in events],
                )
            except WrongCurrentVersion as e:
                # A concurrent writer may have recorded this very batch (a retry racing the
                # original): that is an idempotent success, not a conflict.
                recorded = _already_recorded(stream, ids, self._get_stream(stream, 0))
                if recorded is not None:
                    return recorded
                raise ConcurrencyError(
                    stream, expected_version, self.current_version(stream)
                ) from e
            ours = _already_recorded(stream, ids, self._get_stream(stream, old_end))
        if ours is None:  # the server said yes but the events are not there: never expected
            raise EventStoreError(f"{stream}: appended events not found on read-back")
        return ours

    def _get_stream(
        self, stream: str, from_version: int, limit: int = sys.maxsize
    ) -> Sequence[esdbclient.RecordedEvent]:
        try:
            return self._client.get_stream(stream, stream_position=from_version, limit=limit)
        except NotFound:
            return ()

    def current_version(self, stream: str) -> int | None:
        with _translate_unavailable():
            version = self._client.get_current_version(stream)
        return None if version is esdbclient.StreamState.NO_STREAM else version

    def head_position(self) -> int:
        """Commit position of the last event in one of our streams (0 if none): ESDB's own
        system events and other applications' streams also move `$all` and must not count."""
        with _translate_unavailable():
            return self._client.get_commit_position(**server_filter(EventFilter()))

    def _read_stream(
        self, stream: str, from_version: int, limit: int | None
    ) -> list[RecordedEvent]:
        if limit == 0:  # nothing to ask the server for
            return []
        with _translate_unavailable():
            found = self._get_stream(stream, from_version, sys.maxsize if limit is None else limit)
        return [from_esdb(e) for e in found]

    def _read_all(self, after: int, filter: EventFilter, limit: int | None) -> list[RecordedEvent]:
        """`after` must be 0 or a position this store returned: ESDB can only start a read at
        an existing commit position. Its forward read *includes* the event at that position,
        so we skip it (and anything at or before it) to make `after` exclusive.

        Only one regex can be applied server-side (on event type or on stream name), so the
        rest of the filter, and the check that the stream is one of ours, runs here; `limit`
        counts the events we return, and we stop the gRPC stream as soon as we have them.
        """
        result: list[RecordedEvent] = []
        if limit == 0:
            return result
        with (
            _translate_unavailable(),
            self._client.read_all(commit_position=after or None, **server_filter(filter)) as read,
        ):
            for event in read:
                if event.commit_position is None or event.commit_position <= after:
                    continue
                ours = from_esdb_if_ours(event)
                if ours is not None and filter.matches(ours.event_type, ours.aggregate_type):
                    result.append(ours)
                    if len(result) == limit:
                        break
        return result


@contextmanager
def _translate_unavailable() -> Iterator[None]:
    try:
        yield
    except (ServiceUnavailable, DeadlineExceeded, DiscoveryFailed) as e:
        raise EventStoreUnavailable(f"EventStoreDB is unavailable: {e}") from e


def _already_recorded(
    stream: str, ids: Sequence[UUID], recorded: Iterable[esdbclient.RecordedEvent]
) -> AppendResult | None:
    """The original result if all `ids` are among `recorded`; None if none are; else refuse."""
    by_id = {e.id: e for e in recorded if e.id in ids}
    if not by_id:
        return None
    if len(by_id) != len(ids):
        raise DuplicateEventError(f"{stream}: {len(by_id)} of {len(ids)} event ids are recorded")
    found = [by_id[i] for i in ids]
    return AppendResult(
        stream, max(e.stream_position for e in found), tuple(_position(e) for e in found)
    )


def to_esdb_expected(expected: ExpectedVersion) -> int | esdbclient.StreamState:
    states = {NO_STREAM: esdbclient.StreamState.NO_STREAM, ANY: esdbclient.StreamState.ANY}
    return states.get(expected, expected)


def to_new_event(validated: ValidatedEvent) -> esdbclient.NewEvent:
    event = validated.event
    metadata = {
        "schema_version": validated.schema_version,
        "actor": event.actor.as_dict(),
        "correlation_id": str(event.correlation_id),
        "causation_id": str(event.causation_id),
        "occurred_at": event.occurred_at.isoformat(),
    }
    return esdbclient.NewEvent(
        type=event.event_type,
        data=json.dumps(validated.data).encode(),
        metadata=json.dumps(metadata).encode(),
        content_type="application/json",
        id=event.event_id,
    )


def from_esdb(event: esdbclient.RecordedEvent) -> RecordedEvent:
    """Our envelope from an ESDB event of one of our streams (ValueError for other streams)."""
    aggregate_type, aggregate_id = parse_stream(event.stream_name)
    meta: dict[str, Any] = json.loads(event.metadata)
    occurred_at = datetime.fromisoformat(meta["occurred_at"])
    return RecordedEvent(
        event_id=event.id,
        event_type=event.type,
        schema_version=int(meta["schema_version"]),
        stream=event.stream_name,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        version=event.stream_position,
        position=_position(event),
        occurred_at=occurred_at,
        # esdbclient leaves it None only if the server sent no "created" time.
        recorded_at=event.recorded_at or occurred_at,
        actor=Actor.from_dict(meta["actor"]),
        correlation_id=UUID(meta["correlation_id"]),
        causation_id=UUID(meta["causation_id"]),
        data=json.loads(event.data),
    )


def from_esdb_if_ours(event: esdbclient.RecordedEvent) -> RecordedEvent | None:
    """None for system events and events of streams that are not <aggregate type>-<uuid>."""
    if event.is_system_event:  # "$"-types, links ("$>") included
        return None
    try:
        parse_stream(event.stream_name)
    except ValueError:
        return None
    return from_esdb(event)  # a malformed event in one of our streams must fail loudly


def server_filter(filter: EventFilter) -> dict[str, Any]:
    """esdbclient's filter arguments: one regex (esdbclient anchors it), on event types when the
    filter names some (usually the more selective), else on our stream names: its categories
    (or all of ours) followed by a UUID, so ESDB's own and other applications' streams stay out.
    """
    if filter.event_types is not None:
        return {"filter_include": [_alternatives(filter.event_types)]}
    categories = filter.categories if filter.categories is not None else AGGREGATE_TYPES
    return {
        "filter_include": [_alternatives(categories) + "-[0-9a-f-]{36}"],
        "filter_by_stream_name": True,
    }


def _alternatives(names: Iterable[str]) -> str:
    # esdbclient joins patterns as ^a|b$ without grouping, so we pass one grouped pattern.
    return "(?:" + "|".join(re.escape(n) for n in sorted(names)) + ")"


def _position(event: esdbclient.RecordedEvent) -> int:
    if event.commit_position is None:  # EventStoreDB 21.10 omits it on stream reads
        raise EventStoreError("EventStoreDB >= 22.10 is needed (no commit position)")
    return event.commit_position
