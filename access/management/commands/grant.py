"""`manage.py grant USERNAME PROJECT_SLUG ROLE [--revoke]`: give, change or take a role.

Thin on purpose: the services check the names; this only reports what changed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.models import Role
from access.selectors import membership_role
from access.services import AccessError, grant, require_text, revoke


class Command(BaseCommand):
    help = "Grant a user a role in a project, change it, or (--revoke) remove the membership."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("project_slug")
        parser.add_argument("role", nargs="?", help=f"one of {', '.join(Role.values)}")
        parser.add_argument("--revoke", action="store_true", help="remove the membership")

    def handle(self, *args: Any, **options: Any) -> None:
        username, slug, role = options["username"], options["project_slug"], options["role"]
        try:
            for what, value in [("username", username), ("project slug", slug), ("role", role)]:
                if value is not None:
                    require_text(what, value)
            if options["revoke"]:
                self.stdout.write(self._revoke(username, slug))
            elif role is None:
                raise CommandError("give a ROLE, or --revoke")
            else:
                self.stdout.write(self._grant(username, slug, role))
        except AccessError as error:
            raise CommandError(str(error)) from error

    def _grant(self, username: str, slug: str, role: str) -> str:
        before = membership_role(username=username, project_slug=slug)
        after = Role(grant(username=username, project_slug=slug, role=role).role)
        if before is None:
            return f"{username} is now {after} of {slug}"
        if before == after:
            return f"{username} was already {after} of {slug}: nothing changed"
        return f"{username} is now {after} of {slug} (was {before})"

    def _revoke(self, username: str, slug: str) -> str:
        if revoke(username=username, project_slug=slug):
            return f"{username} is no longer a member of {slug}"
        return f"{username} was not a member of {slug}: nothing changed"
