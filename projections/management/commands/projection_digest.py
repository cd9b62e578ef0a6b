"""`manage.py projection_digest NAME`: print the content digest of projection NAME.

Run it before and after a replay (or on two machines) and compare the lines: equal digests mean
equal read models. stdout carries only the hex digest, so `$(manage.py projection_digest
relational)` works in scripts; row counts (--verbose or -v 2) go to stderr.
"""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readmodel.digest import digest_counts, relational_digest

# Until projections have a registry: name -> (digest, row counts).
DIGESTS: dict[str, tuple[Callable[[], str], Callable[[], dict[str, int]]]] = {
    "relational": (relational_digest, digest_counts),
}


class Command(BaseCommand):
    help = "Print a SHA-256 digest of a projection's read model content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=f"the projection: {', '.join(sorted(DIGESTS))}")
        parser.add_argument("--verbose", action="store_true", help="also print row counts")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if name not in DIGESTS:
            known = ", ".join(sorted(DIGESTS))
            raise CommandError(f"unknown projection {name!r} (known: {known})")
        digest, counts = DIGESTS[name]
        self.stdout.write(digest())
        if options["verbose"] or options["verbosity"] >= 2:
            for table, rows in counts().items():
                self.stderr.write(f"{table}: {rows}")
