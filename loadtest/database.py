"""The database a run writes to: the one DATABASE_URL names, dropped and created anew.

`make load` names a database of its own (`interview_analyzer_load`); to keep a mistyped URL from
wiping development data, only a database whose name contains "load" is dropped.
"""

from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from bench.databases import Target


class NotALoadDatabase(ValueError):
    """DATABASE_URL names a database the load test must not drop."""


def fresh_database(database_url: str) -> Target:
    """Drop and recreate the database of `database_url`; the connection that does it goes to
    the server's `postgres` database, since a database cannot drop itself."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise NotALoadDatabase("DATABASE_URL must be a PostgreSQL URL (postgres://...)")
    name = parts.path.lstrip("/")
    if "load" not in name:
        raise NotALoadDatabase(
            f"refusing to drop database {name!r}: its name must contain 'load'"
            " (make load uses interview_analyzer_load)"
        )
    maintenance = parts._replace(path="/postgres", query="").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return Target("postgresql", database_url)
