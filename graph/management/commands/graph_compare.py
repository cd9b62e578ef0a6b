"""`manage.py graph_compare`: do the graph and the relational read model agree?

Prints the effective-values digest of each (graph.digest) and exits non-zero when they differ.
Run it with both projections caught up to the same position (e.g. `runprojections --once`).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from graph.connection import GraphUnavailable
from graph.digest import graph_effective_digest, relational_effective_digest


class Command(BaseCommand):
    help = "Compare the sentences and effective values of the graph and relational read models."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            graph = graph_effective_digest()
        except GraphUnavailable as e:
            raise CommandError(str(e)) from e
        relational = relational_effective_digest()
        self.stdout.write(f"graph       {graph}")
        self.stdout.write(f"relational  {relational}")
        if graph != relational:
            raise CommandError(
                "the graph and the relational read model differ: are both caught up?"
                " If so, replay the graph (manage.py replay graph)"
            )
        self.stdout.write("the graph and the relational read model hold the same effective values")
