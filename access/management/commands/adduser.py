"""`manage.py adduser`: create a member, or give a new one a fresh invitation link.

    adduser USERNAME --project SLUG --role ROLE (--password-stdin | --invite) [--email ADDRESS]
    adduser USERNAME --new-link

The first creates the user and their membership together (access.members): with a password read
from standard input (never from the command line, which other users of the host can read), or
with an unusable password and a one-time invitation link printed for the person
(access.invitations). The second prints a fresh link for someone whose link expired before they
used it. Further roles are `grant`'s job.
"""

import sys
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.invitations import invitation_url, renewable, validity
from access.members import MemberRefused, NewMember, add_member
from access.models import Role
from access.services import AccessError


class Command(BaseCommand):
    help = (
        "Create a user with a role in a project (a password from stdin, or an invitation link),"
        " or (--new-link) print a fresh invitation link for a user who has no password yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--project", help="the project's slug")
        parser.add_argument("--role", help=f"one of {', '.join(Role.values)}")
        parser.add_argument("--email", default="", help="the person's email address (optional)")
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        how.add_argument(
            "--invite",
            action="store_true",
            help="no password yet: print a one-time link where the person sets theirs",
        )
        how.add_argument(
            "--new-link",
            action="store_true",
            help="the user exists and has no password yet: print a fresh invitation link",
        )
        parser.add_argument(
            "--site-url", default=None, help="the site's address for the link (default: SITE_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_link"]:
            if options["project"] or options["role"] or options["email"]:
                raise CommandError("--new-link takes no --project, --role or --email")
            try:
                self._print_link(renewable(options["username"]), options["site_url"])
            except AccessError as error:
                raise CommandError(str(error)) from error
            return
        missing = [f"--{name}" for name in ("project", "role") if not options[name]]
        if missing:
            raise CommandError(f"nothing was created: give {' and '.join(missing)}")
        password = self._read_password() if options["password_stdin"] else None
        new = NewMember(
            username=options["username"],
            email=options["email"],
            project_slug=options["project"],
            role=options["role"],
            password=password,
        )
        try:
            membership = add_member(new)
        except MemberRefused as refused:
            lines = [
                f"{field}: {message}" for field, msgs in refused.errors.items() for message in msgs
            ]
            raise CommandError("nothing was created:\n  " + "\n  ".join(lines)) from refused
        user = membership.user
        self.stdout.write(f"{user.get_username()} is now {membership.role} of {new.project_slug}")
        if password is None:
            self._print_link(user, options["site_url"])

    def _print_link(self, user: AbstractBaseUser, site_url: str | None) -> None:
        link = invitation_url(user, site_url)
        self.stdout.write(f"invitation link (works once, for {validity()}): {link}")

    def _read_password(self) -> str:
        line = sys.stdin.readline()
        # One line: the trailing newline `echo` or a pipe adds is not part of the password.
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise CommandError("nothing was created: no password on standard input")
        return password
