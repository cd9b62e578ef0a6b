from django.contrib import admin
from django.http import HttpRequest

from events.models import StoredEvent


@admin.register(StoredEvent)
class StoredEventAdmin(admin.ModelAdmin):
    """Events can be looked at, never added, changed or deleted."""

    list_display = ("position", "recorded_at", "stream", "version", "event_type", "actor")
    list_filter = ("category", "event_type")
    search_fields = ("=stream", "=event_id", "=correlation_id", "=aggregate_id")
    ordering = ("-position",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
