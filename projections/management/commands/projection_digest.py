"""`manage.py projection_digest NAME`: print the content digest of projection NAME.

Run it before and after a replay (or on two machines) and compare the lines: equal digests mean
equal read models. stdout carries only the hex digest, so `$(manage.py projection_digest
relational)` works in scripts; row counts (--verbose or -v 2) go to stderr.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.registry import UnknownProjection, get_projection, projection_names


class Command(BaseCommand):
    help = "Print a SHA-256 digest of a projection's read model content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=f"the projection: {', '.join(projection_names())}")
        parser.add_argument("--verbose", action="store_true", help="also print row counts")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            projection = get_projection(options["name"])
        except UnknownProjection as e:
            raise CommandError(str(e)) from e
        self.stdout.write(projection.digest())
        if options["verbose"] or options["verbosity"] >= 2:
            for table, rows in projection.counts().items():
                self.stderr.write(f"{table}: {rows}")
