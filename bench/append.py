"""The three append scenarios, run against the store or against the baseline.

Each scenario builds its plan first (bench.workload), warms the connection up with a few
appends that are not timed, then times every append from before validation to after commit.
The store and the baseline run the identical plan shape, one after the other, in the same run.

- single: appends of one event, cycling over 100 streams with expected versions. The common
  case of a command handler: every append is its own transaction, so this measures per-append
  overhead (round trips, lock, checks, commit).
- batch: appends of 100 events to a new stream. Measures per-event cost once the transaction
  overhead is spread out (validation, row building, the INSERT itself).
- concurrent: 8 OS processes, each appending single events to its own streams for a fixed
  count. Measures total events/s while writers contend: PostgreSQL appends are serialised by
  the store's table lock, SQLite has a single writer for both.
"""

import multiprocessing as mp
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bench import baseline
from bench.databases import Target, setup_django
from bench.timing import Measurement
from bench.workload import Append, batches, round_robin

IMPLEMENTATIONS = ("store", "baseline")
BARRIER_TIMEOUT_S = 120


@dataclass(frozen=True)
class Params:
    """Counts of every scenario (written to the JSON beside the figures)."""

    single_appends: int = 2000
    single_streams: int = 100
    batches: int = 50
    batch_size: int = 100
    writers: int = 8
    writer_appends: int = 250
    writer_streams: int = 10
    warmup_appends: int = 20
    warmup_batches: int = 2
    repeats: int = 3  # runs per scenario and implementation; the median run is reported


class Appender(Protocol):
    def append(self, append: Append) -> None: ...

    def close(self) -> None: ...


class StoreAppender:
    """Appends through SqlEventStore (Django must be set up for the target first)."""

    def __init__(self) -> None:
        from events.sql_store import SqlEventStore

        self.store = SqlEventStore()

    def append(self, append: Append) -> None:
        self.store.append(append.stream, list(append.events), append.expected_version)

    def close(self) -> None:
        from django.db import connection

        connection.close()


def open_appender(target: Target, implementation: str) -> Appender:
    if implementation == "store":
        return StoreAppender()
    if implementation == "baseline":
        return baseline.open_appender(target)
    raise ValueError(f"unknown implementation {implementation!r}")


def _timed(appender: Appender, plan: Sequence[Append]) -> tuple[int, list[float]]:
    """Run `plan`; return (events written, per-append latencies in ms)."""
    latencies = []
    events = 0
    clock = time.perf_counter
    for append in plan:
        start = clock()
        appender.append(append)
        latencies.append((clock() - start) * 1000)
        events += len(append.events)
    return events, latencies


def _run_sequential(
    target: Target, implementation: str, warmup: list[Append], plan: list[Append]
) -> Measurement:
    appender = open_appender(target, implementation)
    try:
        _timed(appender, warmup)
        start = time.perf_counter()
        events, latencies = _timed(appender, plan)
        seconds = time.perf_counter() - start
    finally:
        appender.close()
    return Measurement(events, len(plan), seconds, tuple(latencies))


def single(target: Target, implementation: str, params: Params) -> Measurement:
    """Single-event appends round-robin over `single_streams` streams (in a Django worker)."""
    warmup = round_robin(1, params.warmup_appends)
    plan = round_robin(params.single_streams, params.single_appends)
    return _run_sequential(target, implementation, warmup, plan)


def batch(target: Target, implementation: str, params: Params) -> Measurement:
    """`batches` appends of `batch_size` events, each to a new stream (in a Django worker)."""
    warmup = batches(params.warmup_batches, params.batch_size)
    plan = batches(params.batches, params.batch_size)
    return _run_sequential(target, implementation, warmup, plan)


Runner = Callable[[Target, str, Params], Measurement]
SEQUENTIAL: dict[str, Runner] = {
    "single": single,
    "batch": batch,
}


def concurrent(target: Target, implementation: str, *, params: Params) -> Measurement:
    """`writers` processes appending at once; wall time from the common start to the last end.

    Writers are spawned (a fresh interpreter each, Django set up from DATABASE_URL), prepare
    their plan and connection, warm up, then wait at a barrier so they start together.
    """
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(params.writers)
    results = ctx.Queue()
    args = (target, implementation, params, barrier, results)
    writers = [ctx.Process(target=_writer, args=(i, *args)) for i in range(params.writers)]
    for process in writers:
        process.start()
    reports = [results.get(timeout=BARRIER_TIMEOUT_S * 2) for _ in writers]
    for process in writers:
        process.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise RuntimeError(f"{len(errors)} writer(s) failed; first:\n{errors[0]}")
    start = min(r["start"] for r in reports)
    end = max(r["end"] for r in reports)
    latencies = tuple(ms for r in reports for ms in r["latencies"])
    return Measurement(sum(r["events"] for r in reports), len(latencies), end - start, latencies)


def _writer(
    index: int,
    target: Target,
    implementation: str,
    params: Params,
    barrier: Any,
    results: Any,
) -> None:
    """One concurrent writer process; reports its start/end on the system-wide monotonic clock."""
    try:
        if implementation == "store":
            setup_django(target.database_url)
        warmup = round_robin(1, params.warmup_appends)
        plan = round_robin(params.writer_streams, params.writer_appends)
        appender = open_appender(target, implementation)
        _timed(appender, warmup)
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
        start = time.monotonic()
        events, latencies = _timed(appender, plan)
        end = time.monotonic()
        appender.close()
        results.put(
            {"writer": index, "start": start, "end": end, "events": events, "latencies": latencies}
        )
    except BaseException:
        barrier.abort()
        results.put({"writer": index, "error": traceback.format_exc()})
