"""`manage.py replay [NAME] [--yes]`: rebuild a projection from the first event.

The read model, its checkpoints and its parked events are deleted in one transaction, then the
log is applied again with a progress bar that measures log distance (positions up to the head
seen at the start), not a number of events. Interrupted, it is simply run again: it starts over.
Stop `runprojections` for that projection first: while one is live (its presence row has not
expired) the replay refuses, unless --while-running says to go on beside it (harmless — rows keep
versions — but the progress bar then tells only part of the story).
"""

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from events.store import EventStoreUnavailable
from events.wiring import get_event_store
from projections.leases import live_runners
from projections.port import ProjectionUnavailable
from projections.registry import get_projection, projection_names
from projections.runner import ProjectionRunner


class Command(BaseCommand):
    help = "Delete a read model and rebuild it from the event log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="relational", choices=projection_names())
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--while-running",
            action="store_true",
            help="replay even though runprojections processes follow this projection",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        store = get_event_store()
        try:
            head = store.head_position()
        except EventStoreUnavailable as e:
            raise CommandError(f"the event store is unavailable: {e}") from e
        running = live_runners(name)
        if running and not options["while_running"]:
            raise CommandError(
                f"{len(running)} runprojections process{'es' if len(running) > 1 else ''}"
                f" follow{'' if len(running) > 1 else 's'} the {name} projection"
                f" ({', '.join(running)}): stop them first, or pass --while-running"
            )
        if not options["yes"]:
            self._confirm(
                f"Delete the {name} read model and rebuild it from the event log"
                f" (head at position {head})?"
            )
        projection = get_projection(name)
        runner = ProjectionRunner(
            projection, store, settings.PROJECTION_LANES, batch_size=options["batch_size"]
        )
        try:
            projection.reset()
            # Progress is log distance, not events: positions need not be dense (EventStoreDB's
            # are commit positions), so the bar runs from 0 to the head position.
            with tqdm(total=head, unit="pos", desc=f"replay {name}", disable=None) as bar:
                while runner.process_batch():
                    reached = min(projection.checkpoints(settings.PROJECTION_LANES).values())
                    bar.update(max(0, min(reached, head) - bar.n))
        except (ProjectionUnavailable, EventStoreUnavailable) as e:
            raise CommandError(f"replay stopped, run it again: {e}") from e
        self.stdout.write(
            f"replayed {name}: {runner.applied} events applied, {runner.parked} parked"
        )

    def _confirm(self, question: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(f"{question} Pass --yes to confirm when not on a terminal.")
        if input(f"{question} [y/N] ").strip().lower() not in {"y", "yes"}:
            raise CommandError("replay cancelled")
