"""`manage.py graph_schema`: create the graph read model's constraints and indexes.

Idempotent (IF NOT EXISTS): safe to run on every deploy. The graph projection also runs it
itself on first use, so a fresh Neo4j needs no manual step.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from graph.connection import GraphUnavailable, graph_session
from graph.schema import create_schema


class Command(BaseCommand):
    help = "Create the graph read model's uniqueness constraints and indexes in Neo4j."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with graph_session() as session:
                statements = create_schema(session)
        except GraphUnavailable as e:
            raise CommandError(str(e)) from e
        for statement in statements:
            self.stdout.write(statement)
