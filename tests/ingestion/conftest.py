import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]

Manage = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def manage_process(request, tmp_path) -> tuple[dict[str, str], Manage]:
    """Run `manage.py` in child processes sharing one real database with each other.

    On PostgreSQL that is the test database (the test must be transactional so the children
    see committed data); on SQLite a fresh file, migrated here, because the test database is
    in memory. Returns the child environment and a runner.
    """
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            raise pytest.UsageError(
                f"{request.node.name}: mark it django_db(transaction=True), or its child"
                " processes wait on locks its open transaction holds"
            )
        db = settings.DATABASES["default"]
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def manage(*args: str, check: bool = False, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env={**env, **kwargs.pop("extra_env", {})},
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
            **kwargs,
        )

    if connection.vendor != "postgresql":
        manage("migrate", "--no-input", check=True)
    return env, manage
