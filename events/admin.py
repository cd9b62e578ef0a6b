from django.contrib import admin

from common.admin import ReadOnlyAdmin
from events.models import StoredEvent


@admin.register(StoredEvent)
class StoredEventAdmin(ReadOnlyAdmin):
    """Events can be looked at, never added, changed or deleted."""

    list_display = ("position", "recorded_at", "stream", "version", "event_type", "actor")
    list_filter = ("category", "event_type")
    search_fields = ("=stream", "=event_id", "=correlation_id", "=aggregate_id")
    ordering = ("-position",)
