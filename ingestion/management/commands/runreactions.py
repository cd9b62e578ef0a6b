"""`manage.py runreactions [--once]`: answer events with commands (re-analysis after edits).

A loop around `EditFollower.process_batch` (healthchecks-style): drain, then sleep in short
slices; SIGTERM or Ctrl-C ends it after the current event. The position is saved after each
batch in `ReactionCheckpoint`; reactions are idempotent, so a crash before the save only means
some edits are seen again, harmlessly.
"""

import signal
import time
from types import FrameType
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from analysis.port import AnalyzerError
from analysis.wiring import analyzer_names, get_analyzer
from events.store import EventStoreUnavailable
from events.wiring import get_event_store
from ingestion.models import ReactionCheckpoint
from ingestion.reanalysis import REACTION_NAME, EditFollower

MAX_BACKOFF = 60.0


class Command(BaseCommand):
    help = "Re-analyse edited sentences: follows the event log and records new AI analyses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="catch up, then exit")
        parser.add_argument("--analyzer", choices=analyzer_names())
        parser.add_argument("--interval", type=float, default=1.0, help="idle poll, seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        checkpoint, _ = ReactionCheckpoint.objects.get_or_create(name=REACTION_NAME)
        try:
            analyzer = get_analyzer(options["analyzer"])
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from e
        follower = EditFollower(get_event_store(), analyzer, position=checkpoint.position)
        handled, backoff = 0, options["interval"]
        try:
            while not self.stopping:
                close_old_connections()
                try:
                    count = follower.process_batch()
                except (AnalyzerError, EventStoreUnavailable) as e:
                    if options["once"]:
                        raise CommandError(f"stopped at position {follower.position}: {e}") from e
                    self.stderr.write(f"{e}; retrying in {backoff:.0f}s")
                    self._sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    continue
                finally:
                    self._save(checkpoint, follower.position)
                backoff = options["interval"]
                handled += count
                if count == 0:
                    if options["once"]:
                        break
                    self._sleep(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            analyzer.close()
        self.stdout.write(f"handled {handled} edit(s); at position {follower.position}")

    def _save(self, checkpoint: ReactionCheckpoint, position: int) -> None:
        if position != checkpoint.position:
            checkpoint.position = position
            checkpoint.save(update_fields=["position", "updated_at"])

    def _sleep(self, seconds: float) -> None:
        # In short slices, so SIGTERM is answered within a fraction of a second.
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
