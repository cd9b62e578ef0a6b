"""The throwaway databases the benchmark writes to, and Django set-up inside worker processes.

Nothing here touches development data: SQLite gets a fresh file under var/bench/, PostgreSQL a
dedicated database (`interview_analyzer_bench`) dropped and recreated on the server that
DATABASE_URL points at (its role has CREATEDB).
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench" / "bench.sqlite3"
PG_BENCH_DB = "interview_analyzer_bench"


@dataclass(frozen=True)
class Target:
    """A database under test. Picklable: worker processes receive it as an argument."""

    vendor: str  # "sqlite" or "postgresql"
    database_url: str  # for Django (django-environ syntax)

    @property
    def sqlite_path(self) -> str:
        return urlsplit(self.database_url).path

    @property
    def conninfo(self) -> str:
        """What psycopg.connect takes (a postgres:// URI is a valid libpq connection string)."""
        return self.database_url


def fresh_sqlite() -> Target:
    """A new, empty SQLite file (and no stale -wal/-shm files beside it)."""
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return Target("sqlite", f"sqlite:///{SQLITE_PATH}")


def fresh_postgres(server_url: str) -> Target:
    """Drop and recreate the bench database on the server of `server_url`."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        name = sql.Identifier(PG_BENCH_DB)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return Target("postgresql", urlsplit(server_url)._replace(path=f"/{PG_BENCH_DB}").geturl())


def setup_django(database_url: str) -> None:
    """Configure Django for `database_url` in this process: call before anything uses the ORM.

    The project's settings read DATABASE_URL from the environment, so it is set first. DEBUG is
    off so Django does not keep every query in memory (and spend time doing it).
    """
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "interview_analyzer.settings"
    import django

    django.setup()


def migrate() -> None:
    """Create the project's tables (event_store included) in the configured bench database."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
