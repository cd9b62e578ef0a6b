"""An in-memory stand-in for esdbclient's EventStoreDBClient: the boundary EsdbEventStore talks
to, since no EventStoreDB server can run here.

It keeps what the adapter relies on and what a real server does differently from the SQL store:
commit positions are offsets in a log (sparse: each event moves the next one on by its size),
a forward `$all` read starts *at* an existing commit position and the server refuses any other,
ESDB's own system events and other applications' streams sit in `$all` between ours, and the
server-side filter is esdbclient's own regex. Failures are esdbclient's real exception classes,
built the way esdbclient builds them from a gRPC error (`handle_rpc_error`), and surface where
gRPC surfaces them: on the call for an append, on the first item for a read.
"""

import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import esdbclient
import grpc
from esdbclient.client import DEFAULT_EXCLUDE_FILTER
from esdbclient.common import (
    construct_filter_exclude_regex,
    construct_filter_include_regex,
    handle_rpc_error,
)
from esdbclient.exceptions import NotFound, WrongCurrentVersion

FIRST_POSITION = 1000  # ESDB's own records come first in a real log


class _Metadatum(NamedTuple):
    key: str
    value: str


class FakeRpcError(grpc.RpcError, grpc.Call):
    """A gRPC error as grpc hands it to esdbclient (a failed call)."""

    def __init__(
        self, code: grpc.StatusCode, details: str, trailing: dict[str, str] | None = None
    ) -> None:
        super().__init__(details)
        self._code, self._details, self._trailing = code, details, trailing or {}

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self) -> tuple[_Metadatum, ...]:
        return tuple(_Metadatum(k, v) for k, v in self._trailing.items())

    def initial_metadata(self) -> tuple:
        return ()

    def is_active(self) -> bool:
        return False

    def time_remaining(self) -> float | None:
        return None

    def cancel(self) -> bool:
        return False

    def add_callback(self, callback: Any) -> bool:
        return False


def grpc_error(code: grpc.StatusCode, details: str = "", **trailing: str) -> Exception:
    """The exception esdbclient raises for a gRPC error with this status (its own mapping)."""
    return handle_rpc_error(FakeRpcError(code, details, trailing))


def unavailable() -> Exception:  # the server is down or restarting: ServiceUnavailable
    return grpc_error(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses")


def not_leader(leader: str = "node2.esdb.internal:2113") -> Exception:  # NodeIsNotLeader
    host, port = leader.rsplit(":", 1)
    return grpc_error(
        grpc.StatusCode.NOT_FOUND,
        "Leader info available",
        **{"leader-endpoint-host": host, "leader-endpoint-port": port},
    )


def deadline_exceeded() -> Exception:  # GrpcDeadlineExceeded
    return grpc_error(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")


def invalid_position() -> Exception:
    # What servers before 23.10 answer a read of $all from a position that is no event's
    # ("Unexpected ReadAllResult: Error", status UNKNOWN): esdbclient's UnknownError.
    return grpc_error(grpc.StatusCode.UNKNOWN, "Unexpected ReadAllResult: Error")


@dataclass
class FakeEsdbClient:
    """The methods of esdbclient.EventStoreDBClient that EsdbEventStore calls, same signatures.

    `fail(*errors)`: the next server calls raise these, one each. `hang()`: every call waits
    for its deadline (and fails the test if it has none: it would block for ever).
    """

    log: list[esdbclient.RecordedEvent] = field(default_factory=list)
    failures: deque[Exception] = field(default_factory=deque)
    hung: bool = False
    calls: list[tuple[str, float | None]] = field(default_factory=list)  # (method, timeout)
    reconnects: list[str | None] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        if not self.log:  # a real log starts with the server's own events
            self._record("$projections-$all", "$ProjectionsInitialized", b"{}", b"{}", None)
            self._record("orders-1", "OrderPlaced", b'{"total": 3}', b"{}", None)

    # --- test controls --------------------------------------------------------------------

    def fail(self, *errors: Exception) -> None:
        self.failures.extend(errors)

    def hang(self) -> None:
        self.hung = True

    def commit_positions(self) -> list[int]:
        return [e.commit_position for e in self.log]

    # --- esdbclient's surface ---------------------------------------------------------------

    def reconnect(self, grpc_target: str | None = None) -> None:
        self.reconnects.append(grpc_target)

    def close(self) -> None:
        self.closed = True

    def append_to_stream(
        self,
        /,
        stream_name: str,
        *,
        current_version: int | esdbclient.StreamState,
        events: esdbclient.NewEvent | Iterable[esdbclient.NewEvent],
        timeout: float | None = None,
        credentials: Any = None,
    ) -> int:
        self._server_call("append_to_stream", timeout)
        events = [events] if isinstance(events, esdbclient.NewEvent) else list(events)
        actual = self._version(stream_name)
        if current_version is esdbclient.StreamState.NO_STREAM:
            ok = actual is None
        elif current_version is esdbclient.StreamState.EXISTS:
            ok = actual is not None
        elif current_version is esdbclient.StreamState.ANY:
            ok = True
        else:
            ok = actual == current_version
        if not ok:
            raise WrongCurrentVersion(f"expected {current_version}, stream is at {actual}")
        version = -1 if actual is None else actual
        for event in events:
            version += 1
            self._record(
                stream_name, event.type, event.data, event.metadata, event.id, version=version
            )
        return self.log[-1].commit_position

    def read_stream(
        self,
        stream_name: str,
        *,
        stream_position: int | None = None,
        backwards: bool = False,
        resolve_links: bool = False,
        limit: int = sys.maxsize,
        timeout: float | None = None,
        credentials: Any = None,
    ) -> "FakeRead":
        def events() -> Iterator[esdbclient.RecordedEvent]:
            self._server_call("read_stream", timeout)
            found = [e for e in self.log if e.stream_name == stream_name]
            if not found:
                raise NotFound(f"Stream {stream_name!r} not found")
            if backwards:
                found.reverse()
                if stream_position is not None:
                    found = [e for e in found if e.stream_position <= stream_position]
            elif stream_position is not None:
                found = [e for e in found if e.stream_position >= stream_position]
            yield from found[:limit]

        return FakeRead(events())

    def read_all(
        self,
        *,
        commit_position: int | None = None,
        backwards: bool = False,
        resolve_links: bool = False,
        filter_exclude: Sequence[str] = DEFAULT_EXCLUDE_FILTER,
        filter_include: Sequence[str] = (),
        filter_by_stream_name: bool = False,
        limit: int = sys.maxsize,
        timeout: float | None = None,
        credentials: Any = None,
    ) -> "FakeRead":
        if filter_include:
            regex = re.compile(construct_filter_include_regex(filter_include))
        else:
            regex = re.compile(construct_filter_exclude_regex(filter_exclude))

        def matches(event: esdbclient.RecordedEvent) -> bool:
            return bool(regex.search(event.stream_name if filter_by_stream_name else event.type))

        def events() -> Iterator[esdbclient.RecordedEvent]:
            self._server_call("read_all", timeout)
            found = list(reversed(self.log)) if backwards else list(self.log)
            if commit_position is not None:
                if commit_position not in self.commit_positions():
                    raise invalid_position()
                if backwards:
                    found = [e for e in found if e.commit_position <= commit_position]
                else:
                    found = [e for e in found if e.commit_position >= commit_position]
            yield from [e for e in found if matches(e)][:limit]

        return FakeRead(events())

    # --- the server -------------------------------------------------------------------------

    def _server_call(self, method: str, timeout: float | None) -> None:
        self.calls.append((method, timeout))
        if self.failures:
            raise self.failures.popleft()
        if self.hung:
            assert timeout is not None, f"{method} without a deadline would block for ever"
            raise deadline_exceeded()

    def _version(self, stream: str) -> int | None:
        versions = [e.stream_position for e in self.log if e.stream_name == stream]
        return max(versions) if versions else None

    def _record(
        self, stream: str, type_: str, data: bytes, metadata: bytes, id_: Any, *, version: int = 0
    ) -> None:
        if self.log:
            last = self.log[-1]
            # The next record starts after this one: its size, roughly as ESDB lays it out.
            position = last.commit_position + 90 + len(last.stream_name) + len(last.type)
            position += len(last.data) + len(last.metadata)
        else:
            position = FIRST_POSITION
        self.log.append(
            esdbclient.RecordedEvent(
                type=type_,
                data=data,
                metadata=metadata,
                content_type="application/json",
                id=id_ or __import__("uuid").uuid4(),
                stream_name=stream,
                stream_position=version,
                commit_position=position,
                prepare_position=position,
                recorded_at=datetime.now(UTC),
            )
        )


class FakeRead:
    """A read response: iterated lazily (errors come with the first item), a context manager."""

    def __init__(self, events: Iterator[esdbclient.RecordedEvent]) -> None:
        self._events = events
        self.stopped = False

    def __iter__(self) -> "FakeRead":
        return self

    def __next__(self) -> esdbclient.RecordedEvent:
        return next(self._events)

    def __enter__(self) -> "FakeRead":
        return self

    def __exit__(self, *args: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped = True
