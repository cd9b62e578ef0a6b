"""The one place that picks the event store backend, from the EVENT_STORE setting."""

from functools import cache

from django.conf import settings

from events.store import EventStore


@cache
def get_event_store() -> EventStore:
    if settings.EVENT_STORE == "esdb":
        from events.esdb_store import EsdbEventStore

        return EsdbEventStore(settings.ESDB_URL, timeout=settings.ESDB_TIMEOUT)
    from events.sql_store import SqlEventStore

    return SqlEventStore()
