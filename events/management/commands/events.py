"""`manage.py events tail`: print events in position order, for operators."""

import json
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.catalogue import CATALOGUE
from events.envelope import AGGREGATE_TYPES, RecordedEvent, parse_stream
from events.store import EventFilter, EventStore, EventStoreUnavailable
from events.wiring import get_event_store

PAGE = 1000


class Command(BaseCommand):
    help = "Inspect the event store."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=_SubParser)
        tail = sub.add_parser("tail", help="print events in position order")
        tail.add_argument("--stream", help="only this stream, e.g. Sentence-<uuid>")
        tail.add_argument(
            "--type", action="append", dest="types", metavar="TYPE",
            help="only this event type (repeatable)",
        )  # fmt: skip
        tail.add_argument(
            "--category", action="append", dest="categories", choices=AGGREGATE_TYPES,
            help="only streams of this aggregate type (repeatable)",
        )  # fmt: skip
        tail.add_argument(
            "--after", type=int, default=0, metavar="POSITION",
            help="start after this global position (default 0: from the start)",
        )  # fmt: skip
        tail.add_argument("--limit", type=int, help="stop after this many events")
        tail.add_argument("--json", action="store_true", help="one JSON object per line")
        tail.add_argument("--follow", action="store_true", help="keep waiting for new events")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["after"] < 0:
            raise CommandError("--after must be 0 or a position")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        unknown = sorted(set(options["types"] or ()) - set(CATALOGUE))
        if unknown:
            raise CommandError(
                f"unknown event type {', '.join(unknown)}; known: {', '.join(CATALOGUE)}"
            )
        if options["stream"]:
            try:
                parse_stream(options["stream"])
            except ValueError as e:
                raise CommandError(str(e)) from None
        store = get_event_store()
        events = self._events(store, options)
        try:
            for count, event in enumerate(events, start=1):
                self.stdout.write(_as_json(event) if options["json"] else _as_text(event))
                if options["limit"] and count >= options["limit"]:
                    break
        except EventStoreUnavailable as e:
            raise CommandError(str(e)) from e

    def _events(self, store: EventStore, options: dict[str, Any]) -> Iterator[RecordedEvent]:
        wanted = EventFilter.of(options["types"], options["categories"])
        if options["stream"]:
            yield from _follow_stream(store, options["stream"], options["after"], wanted, options)
            return
        if options["follow"]:
            yield from store.subscribe(after=options["after"], filter=wanted)
            return
        after = options["after"]
        while batch := store.read_all(after=after, filter=wanted, limit=PAGE):
            yield from batch
            after = batch[-1].position


def _follow_stream(
    store: EventStore, stream: str, after: int, wanted: EventFilter, options: dict[str, Any]
) -> Iterator[RecordedEvent]:
    next_version = 0
    while True:
        for event in store.read_stream(stream, from_version=next_version):
            next_version = event.version + 1
            if event.position > after and wanted.matches(event.event_type, event.aggregate_type):
                yield event
        if not options["follow"]:
            return
        time.sleep(0.5)


def _as_json(event: RecordedEvent) -> str:
    return json.dumps(event.as_json_dict(), ensure_ascii=False, sort_keys=False)


def _as_text(event: RecordedEvent) -> str:
    data = json.dumps(dict(event.data), ensure_ascii=False)
    if len(data) > 120:
        data = data[:117] + "..."
    return (
        f"{event.position:>8}  {event.recorded_at:%Y-%m-%d %H:%M:%S}  "
        f"{event.stream}@{event.version}  {event.event_type}  {event.actor}  {data}"
    )


class _SubParser(ArgumentParser):
    """Subcommand parser that reports usage errors as CommandError, like Django's own parser."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CommandError(f"{self.prog}: {message}")
