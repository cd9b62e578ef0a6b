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
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import esdbclient
import grpc
from esdbclient.connection_spec import ConnectionSpec
from esdbclient.exceptions import (
    AbortedByServer,
    DeadlineExceeded,
    DiscoveryFailed,
    EventStoreDBClientException,
    InternalError,
    NodeIsNotLeader,
    NotFound,
    ServiceUnavailable,
    SSLError,
    WrongCurrentVersion,
)

from events.envelope import AGGREGATE_TYPES, UUID_PATTERN, Actor, RecordedEvent, parse_stream
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

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0  # seconds; settings.ESDB_TIMEOUT

# The node we talk to is not the leader (esdbclient reads and writes require the leader by
# default), or cannot be reached: reconnect (to the leader it names, or by discovery) and try
# the operation once more. esdbclient 1.1.7 does this for none of its reads (`read_all`,
# `read_stream`), and for single-target `esdb://` URLs not even on "not leader".
RECONNECT_AND_RETRY = (NodeIsNotLeader, ServiceUnavailable)
# Errors that say "not now" rather than "never": the caller waits and tries again later
# (EventStoreUnavailable: 503 in the API, a pause in the runners). A deadline is one, but is
# not retried at once: a hung server would only hold the caller twice as long.
TRANSIENT = (
    *RECONNECT_AND_RETRY,
    DeadlineExceeded,
    DiscoveryFailed,
    AbortedByServer,
    InternalError,
)
TRANSIENT_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.CANCELLED,  # by the server, e.g. while it shuts down
    }
)
# What grpc says when a call is made on a channel that was closed (esdbclient reconnects then).
_CLOSED_CHANNEL = ("Channel closed!", "Cannot invoke RPC on closed channel!")


class EsdbEventStore(EventStore):
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, client: Any = None) -> None:
        """Connects lazily for a single `esdb://` target; `esdb+discover://` asks gossip now.

        Every call to the server gets `timeout` seconds (a gRPC deadline, settings.ESDB_TIMEOUT)
        and is then EventStoreUnavailable. `client` replaces esdbclient's client (tests).
        """
        if not timeout > 0:
            raise ValueError(f"the EventStoreDB timeout must be > 0 seconds, not {timeout!r}")
        self._timeout = float(timeout)
        if client is None:
            check_url(url)
            with _translated("connection"):
                client = esdbclient.EventStoreDBClient(uri=url)
        self._client = client

    def close(self) -> None:
        self._client.close()

    def _call(self, operation: str, run: Callable[[], T]) -> T:
        """Run one whole operation; on "not leader" or "unavailable" reconnect and run it once
        more (a read that failed part-way starts over, an append is idempotent); translate
        whatever esdbclient or grpc raise into our errors."""
        with _translated(operation):
            try:
                return run()
            except RECONNECT_AND_RETRY as e:
                self._reconnect(e)
            except ValueError as e:
                if not _closed_channel(e):
                    raise
                self._reconnect(e)
            return run()

    def _reconnect(self, error: Exception) -> None:
        leader = error.leader_grpc_target if isinstance(error, NodeIsNotLeader) else None
        self._client.reconnect(leader)

    def _append(
        self, stream: str, events: Sequence[ValidatedEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        return self._call("append", lambda: self._append_once(stream, events, expected_version))

    def _append_once(
        self, stream: str, events: Sequence[ValidatedEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Three round trips: read the stream (idempotency), append, read back our positions.

        esdbclient returns only the last commit position, and with ANY we do not know our
        versions in advance, so we read them back from the stream's old end. Reading the whole
        stream first is fine for aggregate-sized streams. With ANY, two identical appends racing
        between our read and our append may both be written: ESDB's own id check is best-effort.
        Run again after a reconnect, the first read finds the events if the first run wrote
        them. esdbclient itself retries `append_to_stream` once on gRPC errors, so a hung
        server holds an append for up to three timeouts.
        """
        ids = [v.event.event_id for v in events]
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
                timeout=self._timeout,
            )
        except WrongCurrentVersion as e:
            # A concurrent writer may have recorded this very batch (a retry racing the
            # original): that is an idempotent success, not a conflict.
            recorded = _already_recorded(stream, ids, self._get_stream(stream, 0))
            if recorded is not None:
                return recorded
            raise ConcurrencyError(stream, expected_version, self._last_version(stream)) from e
        ours = _already_recorded(stream, ids, self._get_stream(stream, old_end))
        if ours is None:  # the server said yes but the events are not there: never expected
            raise EventStoreError(f"{stream}: appended events not found on read-back")
        return ours

    def _get_stream(
        self, stream: str, from_version: int, limit: int = sys.maxsize, *, backwards: bool = False
    ) -> Sequence[esdbclient.RecordedEvent]:
        """The stream's events (() if it does not exist), read with our deadline.

        `read_stream`, not `get_stream`: esdbclient wraps the latter in its own retries, which
        would stack on ours and multiply the time a hung server holds the caller.
        """
        try:
            with self._client.read_stream(
                stream,
                stream_position=None if backwards else from_version,
                backwards=backwards,
                limit=limit,
                timeout=self._timeout,
            ) as read:
                return tuple(read)
        except NotFound:
            return ()

    def _last_version(self, stream: str) -> int | None:
        last = self._get_stream(stream, 0, 1, backwards=True)
        return last[0].stream_position if last else None

    def current_version(self, stream: str) -> int | None:
        return self._call("read", lambda: self._last_version(stream))

    def head_position(self) -> int:
        """Commit position of the last event in one of our streams (0 if none): ESDB's own
        system events and other applications' streams also move `$all` and must not count."""
        return self._call("read", self._head_position)

    def _head_position(self) -> int:
        with self._client.read_all(
            backwards=True, limit=1, timeout=self._timeout, **server_filter(EventFilter())
        ) as read:
            return next((_position(e) for e in read), 0)

    def _read_stream(
        self, stream: str, from_version: int, limit: int | None
    ) -> list[RecordedEvent]:
        if limit == 0:  # nothing to ask the server for
            return []
        found = self._call(
            "read",
            lambda: self._get_stream(stream, from_version, sys.maxsize if limit is None else limit),
        )
        return [from_esdb(e) for e in found]

    def _read_event(self, stream: str, event_id: UUID) -> RecordedEvent | None:
        """The stream is read whole: aggregate streams are short, and ESDB has no index by id."""
        found = self._call("read", lambda: self._get_stream(stream, 0))
        return next((from_esdb(e) for e in found if e.id == event_id), None)

    def _read_all(self, after: int, filter: EventFilter, limit: int | None) -> list[RecordedEvent]:
        """`after` must be 0 or a position this store returned: ESDB can only start a read at
        an existing commit position. Its forward read *includes* the event at that position,
        so we skip it (and anything at or before it) to make `after` exclusive.

        Only one regex can be applied server-side (on event type or on stream name), so the
        rest of the filter, and the check that the stream is one of ours, runs here; `limit`
        counts the events we return, and we stop the gRPC stream as soon as we have them.
        """
        if limit == 0:
            return []
        return self._call("read", lambda: self._read_all_once(after, filter, limit))

    def _read_all_once(
        self, after: int, filter: EventFilter, limit: int | None
    ) -> list[RecordedEvent]:
        result: list[RecordedEvent] = []
        with self._client.read_all(
            commit_position=after or None, timeout=self._timeout, **server_filter(filter)
        ) as read:
            for event in read:
                if event.commit_position is None or event.commit_position <= after:
                    continue
                ours = from_esdb_if_ours(event)
                if ours is not None and filter.matches(ours.event_type, ours.aggregate_type):
                    result.append(ours)
                    if len(result) == limit:
                        break
        return result


def check_url(url: str) -> None:
    """Refuse what esdbclient would accept and silently ignore (it parses the URL the same way).

    `tlsVerifyCert=false` is parsed but never used by esdbclient 1.1.7: the server certificate
    is always verified, so the setting would only mislead. A private CA goes in `tlsCaFile`.
    """
    try:
        spec = ConnectionSpec(url)
    except ValueError as e:
        raise ValueError(f"ESDB_URL is not a valid EventStoreDB URL: {e}") from None
    if spec.options.TlsVerifyCert is False:
        raise ValueError(
            "ESDB_URL sets tlsVerifyCert=false, which esdbclient ignores (it always verifies"
            " the server's certificate): remove it, and give the CA that signed the server's"
            " certificate with tlsCaFile=/path/to/ca.crt"
        )
    ca_file = spec.options.TlsCaFile
    if ca_file and not os.access(ca_file, os.R_OK):
        raise ValueError(
            f"ESDB_URL's tlsCaFile {ca_file} cannot be read (missing, or no permission)"
        )


@contextmanager
def _translated(operation: str) -> Iterator[None]:
    """esdbclient's and grpc's errors as ours: transient ones EventStoreUnavailable, the rest
    EventStoreError; the original is the cause (`raise ... from`)."""
    try:
        yield
    except (EventStoreDBClientException, grpc.RpcError) as e:
        raise _our_error(operation, e) from e
    except ValueError as e:
        if not _closed_channel(e):
            raise
        raise EventStoreUnavailable(f"EventStoreDB {operation} failed: {e}") from e


def _our_error(operation: str, error: Exception) -> EventStoreError:
    described = f"{type(error).__name__}: {error}"
    if isinstance(error, SSLError):
        return EventStoreUnavailable(
            f"EventStoreDB is unavailable ({operation}): {described} (is the CA that signed the"
            " server's certificate given with tlsCaFile?)"
        )
    if _is_transient(error):
        return EventStoreUnavailable(f"EventStoreDB is unavailable ({operation}): {described}")
    return EventStoreError(f"EventStoreDB refused the {operation}: {described}")


def _is_transient(error: Exception) -> bool:
    if isinstance(error, TRANSIENT):
        return True
    # esdbclient wraps the gRPC error it did not map to one of its classes (args[0]).
    call = error if isinstance(error, grpc.Call) else (error.args[0] if error.args else None)
    return isinstance(call, grpc.Call) and call.code() in TRANSIENT_CODES


def _closed_channel(error: ValueError) -> bool:
    return any(text in str(error) for text in _CLOSED_CHANNEL)


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
    (or all of ours) followed by a canonical UUID (the only spelling parse_stream accepts), so
    ESDB's own and other applications' streams stay out.
    """
    if filter.event_types is not None:
        return {"filter_include": [_alternatives(filter.event_types)]}
    categories = filter.categories if filter.categories is not None else AGGREGATE_TYPES
    return {
        "filter_include": [_alternatives(categories) + "-" + UUID_PATTERN],
        "filter_by_stream_name": True,
    }


def _alternatives(names: Iterable[str]) -> str:
    # esdbclient joins patterns as ^a|b$ without grouping, so we pass one grouped pattern.
    return "(?:" + "|".join(re.escape(n) for n in sorted(names)) + ")"


def _position(event: esdbclient.RecordedEvent) -> int:
    if event.commit_position is None:  # EventStoreDB 21.10 omits it on stream reads
        raise EventStoreError("EventStoreDB >= 22.10 is needed (no commit position)")
    return event.commit_position
