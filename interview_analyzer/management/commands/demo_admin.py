"""`manage.py demo_admin`: the local demo superuser that `make run` prints the login of."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or refresh) the local demo superuser and print how to log in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # A superuser with a password printed to a terminal is for local demos only.
            raise CommandError("demo_admin only runs with DEBUG on (a local development setup)")
        password_file = settings.VAR_DIR / "demo_admin_password"
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Log in at {options['url']} as {USERNAME} / {password}")
        )
