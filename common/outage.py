"""What a database outage is, for every layer that answers one (the REST API's exception
handler, the outage middleware): the Django database not answering is an outage, not a bug —
503 with Retry-After, never a 500.

A stopped or restarting PostgreSQL (or a locked SQLite file) makes the driver raise
`OperationalError` — or `InterfaceError` when Django reuses a connection the server closed.
"""

from django.db import InterfaceError, OperationalError

# Errors of the database itself (refused, terminated, shutting down, locked): wait and retry.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE = "The database is unavailable; try again shortly."
# Seconds a client should wait before trying again: a restart takes a few.
RETRY_AFTER_SECONDS = 5
