"""`manage.py parked [--projection N] list | show ID | retry (ID | --interview ID) | discard ID`.

--projection picks what `list` and `retry --interview` look at; an event given by its id is
handled by the projection that parked it, whatever --projection says.
"""

import json
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.wiring import get_event_store
from projections.models import ParkedEvent
from projections.parking import ParkedError, RetryOutcome, discard, retry, retry_one
from projections.registry import UnknownProjection, get_projection, projection_names


class Command(BaseCommand):
    help = "List, inspect, retry or discard events a projection parked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projection", default="relational", choices=projection_names())
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="parked events, oldest first")
        listing.add_argument("--all", action="store_true", help="also resolved and discarded")
        actions.add_parser("show", help="one parked event with its error").add_argument(
            "id", type=int
        )
        again = actions.add_parser("retry", help="apply parked events again, in order")
        target = again.add_mutually_exclusive_group(required=True)
        target.add_argument("id", type=int, nargs="?")
        target.add_argument("--interview", type=UUID, help="every parked event of an interview")
        actions.add_parser("discard", help="drop a parked event unapplied").add_argument(
            "id", type=int
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            projection = get_projection(self._projection_of(options))
            match options["action"]:
                case "list":
                    self._list(projection.name, everything=options["all"])
                case "show":
                    self._show(options["id"])
                case "retry" if options["interview"] is not None:
                    key = f"Interview-{options['interview']}"
                    self._report(retry(projection, get_event_store(), key))
                case "retry":
                    self._report(retry_one(projection, get_event_store(), options["id"]))
                case "discard":
                    parked = discard(projection, options["id"])
                    self.stdout.write(f"discarded {parked.id} ({parked.event_type})")
        except (ParkedError, UnknownProjection) as e:
            raise CommandError(str(e)) from e

    @staticmethod
    def _projection_of(options: dict[str, Any]) -> str:
        """The projection named by --projection, or, for an event given by id, its own."""
        if options.get("id") is None:
            return options["projection"]
        parked = ParkedEvent.objects.filter(id=options["id"]).first()
        return options["projection"] if parked is None else parked.projection

    def _list(self, projection: str, *, everything: bool) -> None:
        rows = ParkedEvent.objects.filter(projection=projection)
        if not everything:
            rows = rows.filter(state=ParkedEvent.State.PARKED)
        for row in rows.order_by("position"):
            why = row.error.splitlines()[0] if row.error else f"waits behind {row.behind_id}"
            self.stdout.write(
                f"{row.id:>6}  {row.state:<9}  {row.position:>9}  {row.event_type:<24}"
                f"  {row.blocking_key}  {why}"
            )

    def _show(self, parked_id: int) -> None:
        try:
            row = ParkedEvent.objects.get(id=parked_id)
        except ParkedEvent.DoesNotExist:
            raise CommandError(f"no parked event {parked_id}") from None
        fields = {
            "id": row.id,
            "projection": row.projection,
            "state": row.state,
            "position": row.position,
            "event_id": str(row.event_id),
            "event_type": row.event_type,
            "stream": row.stream,
            "blocks": row.blocking_key,
            "behind": row.behind_id,
            "attempts": row.attempts,
            "parked_at": row.parked_at.isoformat(),
            "error": row.error,
        }
        self.stdout.write(json.dumps(fields, indent=2))
        if row.traceback:
            self.stdout.write(row.traceback)

    def _report(self, outcome: RetryOutcome) -> None:
        self.stdout.write(f"applied {outcome.applied}; {outcome.remaining} still parked")
        if outcome.error:
            raise CommandError(f"still failing: {outcome.error}")
