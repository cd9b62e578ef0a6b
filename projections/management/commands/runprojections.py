"""`manage.py runprojections [--once] [--projection NAME] [--lane-count N] [--lanes 0-5]
[--lease-seconds S] [--metrics-port PORT]`.

A loop around `ProjectionRunner.process_batch` (healthchecks-style): drain the log, then poll
in short sleeps. SIGTERM and Ctrl-C let the current batch finish and commit, release this
process's lane leases, then exit 0. An outage of the database or the event store is waited out
with backoff; with --once it ends the command with an error instead.

Several of these processes, on one host or many, share each projection's lanes through lease
rows (projections.leases); `--lanes` limits the lanes this one may take. `--once` (a catch-up
to the head, as `make run` does before starting the service) takes no leases: applying is
idempotent, so overlapping with a running service wastes work but harms nothing.
"""

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from events.store import EventStoreUnavailable
from events.wiring import get_event_store
from projections.leases import LaneLeases, LeaseConflict, describe_lanes, parse_lanes
from projections.outages import DATABASE_OUTAGES
from projections.port import ProjectionUnavailable
from projections.registry import UnknownProjection, get_projection, projection_names
from projections.runner import LaneLayoutError, ProjectionRunner

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0


class Command(BaseCommand):
    help = "Keep read models up to date from the event log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="catch up to the head, then exit")
        parser.add_argument(
            "--projection",
            action="append",
            choices=projection_names(),
            help="only this projection (repeatable; default: all)",
        )
        parser.add_argument(
            "--lane-count",
            type=int,
            help="number of lanes, the same for every runner of a projection"
            f" (default PROJECTION_LANES, now {settings.PROJECTION_LANES})",
        )
        parser.add_argument(
            "--lanes",
            metavar="LANES",
            help="only these lanes, e.g. 0-5 or 0-2,9 (default: any lane; shared with the"
            " other runners through leases)",
        )
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=settings.PROJECTION_LEASE_SECONDS,
            help="how long a lane stays with a runner that stops renewing it (a killed one)"
            f" (default PROJECTION_LEASE_SECONDS, now {settings.PROJECTION_LEASE_SECONDS:g})",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--interval", type=float, default=0.5, help="idle poll, seconds")
        parser.add_argument("--metrics-port", type=int, help="serve Prometheus metrics here")

    def handle(self, *args: Any, **options: Any) -> None:
        lanes = (
            settings.PROJECTION_LANES if options["lane_count"] is None else options["lane_count"]
        )
        if not 1 <= lanes <= 256 or options["batch_size"] < 1:
            raise CommandError("--lane-count must be from 1 to 256 and --batch-size at least 1")
        if options["lease_seconds"] <= 0:
            raise CommandError("--lease-seconds must be positive")
        try:
            only = None if options["lanes"] is None else parse_lanes(options["lanes"], lanes)
        except ValueError as e:
            raise CommandError(f"--lanes: {e}") from e
        try:
            runners = [
                self._runner(
                    name,
                    lanes,
                    only,
                    once=options["once"],
                    batch_size=options["batch_size"],
                    lease_seconds=options["lease_seconds"],
                )
                for name in options["projection"] or projection_names()
            ]
            for runner in runners:
                if runner.leases is not None:
                    self._join(runner.leases)
        except (UnknownProjection, LeaseConflict) as e:
            raise CommandError(str(e)) from e
        if options["metrics_port"] is not None:
            from projections.observability import serve_metrics

            serve_metrics(options["metrics_port"])
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        try:
            self._check_layouts(runners, once=options["once"])
            self._loop(
                runners,
                once=options["once"],
                interval=options["interval"],
                max_backoff=min(MAX_BACKOFF, options["lease_seconds"] / 3),
            )
        except (LeaseConflict, LaneLayoutError) as e:
            raise CommandError(str(e)) from e
        finally:
            self._release(runners)
        for runner in runners:
            self.stdout.write(
                f"{runner.projection.name}: applied {runner.applied}, parked {runner.parked}"
            )

    def _runner(
        self,
        name: str,
        lanes: int,
        only: frozenset[int] | None,
        *,
        once: bool,
        batch_size: int,
        lease_seconds: float,
    ) -> ProjectionRunner:
        runner = ProjectionRunner(
            get_projection(name), get_event_store(), lanes, batch_size=batch_size
        )
        if once:
            runner.only_lanes = only
        else:
            every = frozenset(range(lanes)) if only is None else only
            runner.leases = LaneLeases(name, lanes, every, ttl=lease_seconds)
            self.stdout.write(
                f"{name}: lanes {describe_lanes(every)} of {lanes}, shared through leases"
                f" as {runner.leases.owner}"
            )
        return runner

    def _release(self, runners: list[ProjectionRunner]) -> None:
        """Give the lanes back at once, so other runners need not wait for the leases to expire."""
        for runner in runners:
            if runner.leases is None:
                continue
            try:
                runner.leases.release()
            except DATABASE_OUTAGES as e:
                log.warning(
                    "could not release %s's leases (they will expire): %s",
                    runner.projection.name,
                    e,
                )

    @staticmethod
    def _join(leases: LaneLeases) -> None:
        """Take this runner's first leases now, so a lane count other live runners do not use
        is refused before any work; a database that does not answer yet is waited out in the
        loop instead (every batch starts by refreshing the leases)."""
        try:
            leases.refresh()
        except DATABASE_OUTAGES as e:
            log.warning("%s: the lane leases' database: %s; starting anyway", leases.projection, e)

    def _check_layouts(self, runners: list[ProjectionRunner], *, once: bool) -> None:
        """Refuse a lane count the checkpoints cannot be read with, before any work. A store
        that does not answer yet is no reason to die: that runner checks on its first turn."""
        self.unchecked = set()
        for i, runner in enumerate(runners):
            try:
                runner.check_lane_layout()
            except (ProjectionUnavailable, EventStoreUnavailable) as e:
                if once:
                    raise CommandError(f"unavailable: {e}") from e
                log.warning("%s: %s; starting anyway", runner.projection.name, e)
                self.unchecked.add(i)

    def _loop(
        self, runners: list[ProjectionRunner], *, once: bool, interval: float, max_backoff: float
    ) -> None:
        """Each projection waits out its own outages: Neo4j being down holds back the graph, not
        the relational model. The wait is capped below the lease time, so a runner waiting
        for its store still renews its lanes (each retry starts by refreshing the leases)."""
        backoff = [interval] * len(runners)
        retry_at = [0.0] * len(runners)
        while not self.stopping:
            close_old_connections()
            read, waiting = 0, False
            for i, runner in enumerate(runners):
                if self.stopping:
                    break
                if time.monotonic() < retry_at[i]:
                    waiting = True
                    continue
                try:
                    if i in self.unchecked:
                        runner.check_lane_layout()
                        self.unchecked.discard(i)
                    read += runner.process_batch()
                    backoff[i] = interval
                except (ProjectionUnavailable, EventStoreUnavailable, *DATABASE_OUTAGES) as e:
                    # The database errors are a backstop: each projection turns its own into
                    # ProjectionUnavailable, but a crash here would end the whole service.
                    if once:
                        raise CommandError(f"unavailable: {e}") from e
                    log.warning("%s: %s; retrying in %.1fs", runner.projection.name, e, backoff[i])
                    retry_at[i] = time.monotonic() + backoff[i]
                    backoff[i] = min(backoff[i] * 2, max_backoff)
                    waiting = True
            if read == 0:
                if once and not waiting:
                    return
                self._sleep(interval)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # The batch under way finishes and commits; the loop ends before the next one.
        self.stopping = True
