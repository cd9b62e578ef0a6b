"""The projection runner: one catch-up reader of the global log per projection, N lanes.

`process_batch()` is one unit of work (healthchecks-style): read the next events after the
lowest lane checkpoint, route each to its lane by interview (project events by project), and
let every lane apply its share strictly in order — each lane's writes and checkpoint in one
transaction. Events at or below a lane's checkpoint are skipped, so a restart (after a crash at
any instant) resumes exactly where each lane stopped.

A failing event is retried (`attempts` times, with backoff); then it is parked, and every later
event of its interview is parked behind it, while other interviews go on
(docs/architecture.md, Projections; Standing rule 5: the checkpoint moves past an event only once it
is applied or parked — never on a failure).
"""

import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from common.logging import bind_correlation_id, bind_log_context
from events.envelope import RecordedEvent
from events.store import EventStore
from projections import metrics
from projections.lanes import blocking_key, lane_of
from projections.leases import LaneLeases
from projections.outages import database_outage_guard
from projections.parking import blocked_keys
from projections.port import ApplyFailed, Projection

log = logging.getLogger(__name__)


class LaneLayoutError(Exception):
    """The checkpoints were written with another number of lanes, and are not all equal."""


@dataclass
class ProjectionRunner:
    projection: Projection
    store: EventStore
    lanes: int
    batch_size: int = 500
    attempts: int = 3
    backoff: float = 0.1  # seconds before the first retry of a failed event; doubles each time
    sleep: Callable[[float], None] = time.sleep
    only_lanes: frozenset[int] | None = None  # None: all lanes
    # Lanes shared with other runner processes: only_lanes follows the leases held.
    leases: LaneLeases | None = None
    applied: int = field(default=0, init=False)  # events applied by this runner
    parked: int = field(default=0, init=False)
    _lanes_recorded: bool = field(default=False, init=False)

    def check_lane_layout(self) -> None:
        """Record this run's lanes, or refuse a lane count the checkpoints cannot be read with.

        Changing the count re-routes interviews to other lanes. That is safe while every lane
        is at the same position — then all lanes of the new layout start from there — but a
        lane behind the others would lose the events of interviews routed away from it.
        """
        stored = self.projection.stored_checkpoints()
        if set(stored) == set(range(self.lanes)):
            return
        if not stored:
            return
        positions = set(stored.values())
        if len(positions) > 1:
            raise LaneLayoutError(
                f"the {self.projection.name} projection ran with {len(stored)} lanes, unevenly"
                f" advanced; run it to the head with that many lanes first, or replay it"
            )
        self.projection.relayout(self.lanes, positions.pop())

    def process_batch(self) -> int:
        """Apply the next batch; return how many events were read (0: caught up)."""
        if not self._lanes_recorded:
            # Every lane has a checkpoint row before anything is applied, so the layout this
            # run uses is on record even if it dies in its first batch (check_lane_layout) —
            # all lanes, not only this runner's: moving to 0 never lowers a checkpoint, and a
            # runner starting beside this one must find the whole layout, not part of it.
            self.projection.advance_lanes(list(range(self.lanes)), 0)
            self._lanes_recorded = True
        if self.leases is not None:
            with database_outage_guard("the lane leases' database"):
                self.only_lanes = self.leases.lanes()
            metrics.LANES_HELD.labels(self.projection.name).set(len(self.only_lanes))
        mine = self._my_lanes()
        if not mine:
            return 0
        checkpoints = self.projection.checkpoints(self.lanes)
        start = min(checkpoints[lane] for lane in mine)
        events = self.store.read_all(after=start, limit=self.batch_size)
        if not events:
            return 0
        by_lane: dict[int, list[RecordedEvent]] = defaultdict(list)
        for event in events:
            lane = lane_of(blocking_key(event), self.lanes)
            if lane in mine and event.position > checkpoints[lane]:
                by_lane[lane].append(event)
        with database_outage_guard("the parked events' database"):
            blocked = blocked_keys(self.projection.name)
        for lane in sorted(by_lane):
            self._run_lane(lane, by_lane[lane], blocked)
        # Every lane has now handled everything up to the batch's last event.
        self.projection.advance_lanes(sorted(mine), events[-1].position)
        return len(events)

    def catch_up(self, *, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Process batches until the head; return the number of events read."""
        total = 0
        while not should_stop():
            count = self.process_batch()
            if count == 0:
                break
            total += count
        return total

    # --- one lane ---------------------------------------------------------------------------

    def _run_lane(
        self, lane: int, events: Sequence[RecordedEvent], blocked: dict[str, int]
    ) -> None:
        i = 0
        while i < len(events):
            key = blocking_key(events[i])
            if key in blocked:
                self._park(lane, events[i], key, blocked, error="", tb="", attempts=0)
                i += 1
                continue
            j = i
            while j < len(events) and blocking_key(events[j]) not in blocked:
                j += 1
            run = events[i:j]
            started = time.perf_counter()
            try:
                self.projection.apply(lane, run)
                self._count_applied(lane, len(run))
                i = j
            except ApplyFailed as failure:
                if failure.index < 0:
                    # The projection cannot tell which event broke the batch: one by one.
                    for event in run:
                        self._run_lane(lane, [event], blocked)
                    i = j
                    continue
                if failure.index:
                    self.projection.apply(lane, run[: failure.index])
                    self._count_applied(lane, failure.index)
                self._retry_or_park(lane, run[failure.index], failure, blocked)
                i += failure.index + 1
            finally:
                metrics.BATCH_SECONDS.labels(self.projection.name).observe(
                    time.perf_counter() - started
                )

    def _retry_or_park(
        self, lane: int, event: RecordedEvent, failure: ApplyFailed, blocked: dict[str, int]
    ) -> None:
        # Everything logged about this event carries its correlation id: the trail from the
        # command (or upload) that caused it to the projection that could not apply it.
        with (
            bind_correlation_id(event.correlation_id),
            bind_log_context(
                projection=self.projection.name,
                lane=lane,
                event_id=str(event.event_id),
                position=event.position,
            ),
        ):
            self._retry_then_park(lane, event, failure, blocked)

    def _retry_then_park(
        self, lane: int, event: RecordedEvent, failure: ApplyFailed, blocked: dict[str, int]
    ) -> None:
        metrics.EVENTS_FAILED.labels(self.projection.name, str(lane)).inc()
        delay = self.backoff
        for _ in range(self.attempts - 1):
            self.sleep(delay)
            delay *= 2
            try:
                self.projection.apply(lane, [event])
                self._count_applied(lane, 1)
                return
            except ApplyFailed as again:
                metrics.EVENTS_FAILED.labels(self.projection.name, str(lane)).inc()
                failure = again
        log.error(
            "parking %s %s at position %d after %d attempts: %s",
            self.projection.name,
            event.event_type,
            event.position,
            self.attempts,
            failure.error,
        )
        key = blocking_key(event)
        error = f"{type(failure.error).__name__}: {failure.error}"
        self._park(
            lane, event, key, blocked, error=error, tb=failure.traceback, attempts=self.attempts
        )

    def _park(
        self,
        lane: int,
        event: RecordedEvent,
        key: str,
        blocked: dict[str, int],
        *,
        error: str,
        tb: str,
        attempts: int,
    ) -> None:
        parked_id = self.projection.park(
            lane,
            event,
            key=key,
            error=error,
            traceback=tb,
            attempts=attempts,
            behind=blocked.get(key),
        )
        blocked.setdefault(key, parked_id)
        self.parked += 1
        metrics.EVENTS_PARKED.labels(self.projection.name, str(lane)).inc()

    def _count_applied(self, lane: int, count: int) -> None:
        self.applied += count
        metrics.EVENTS_APPLIED.labels(self.projection.name, str(lane)).inc(count)

    def _my_lanes(self) -> frozenset[int]:
        every = frozenset(range(self.lanes))
        return every if self.only_lanes is None else every & self.only_lanes


def format_traceback(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))
