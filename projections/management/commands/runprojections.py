"""`manage.py runprojections [--once] [--projection NAME] [--lanes N] [--metrics-port PORT]`.

A loop around `ProjectionRunner.process_batch` (healthchecks-style): drain the log, then poll
in short sleeps. SIGTERM and Ctrl-C let the current batch finish and commit, then exit 0. An
outage of the database or the event store is waited out with backoff; with --once it ends the
command with an error instead.
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
            "--lanes",
            type=int,
            help=f"number of lanes (default PROJECTION_LANES, now {settings.PROJECTION_LANES})",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--interval", type=float, default=0.5, help="idle poll, seconds")
        parser.add_argument("--metrics-port", type=int, help="serve Prometheus metrics here")

    def handle(self, *args: Any, **options: Any) -> None:
        lanes = settings.PROJECTION_LANES if options["lanes"] is None else options["lanes"]
        if not 1 <= lanes <= 256 or options["batch_size"] < 1:
            raise CommandError("--lanes must be from 1 to 256 and --batch-size at least 1")
        try:
            runners = [
                ProjectionRunner(
                    get_projection(name), get_event_store(), lanes, batch_size=options["batch_size"]
                )
                for name in options["projection"] or projection_names()
            ]
            for runner in runners:
                runner.check_lane_layout()
        except (UnknownProjection, LaneLayoutError) as e:
            raise CommandError(str(e)) from e
        if options["metrics_port"] is not None:
            from projections.observability import serve_metrics

            serve_metrics(options["metrics_port"])
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self._loop(runners, once=options["once"], interval=options["interval"])
        for runner in runners:
            self.stdout.write(
                f"{runner.projection.name}: applied {runner.applied}, parked {runner.parked}"
            )

    def _loop(self, runners: list[ProjectionRunner], *, once: bool, interval: float) -> None:
        backoff = interval
        while not self.stopping:
            close_old_connections()
            try:
                read = sum(r.process_batch() for r in runners if not self.stopping)
            except (ProjectionUnavailable, EventStoreUnavailable) as e:
                if once:
                    raise CommandError(f"unavailable: {e}") from e
                log.warning("%s; retrying in %.1fs", e, backoff)
                self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = interval
            if read == 0:
                if once:
                    return
                self._sleep(interval)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # The batch under way finishes and commits; the loop ends before the next one.
        self.stopping = True
