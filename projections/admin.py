"""Parked events and lane checkpoints in the Django admin: read-only, with retry and discard."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from common.admin import ReadOnlyAdmin
from events.wiring import get_event_store
from projections.models import LaneCheckpoint, ParkedEvent
from projections.parking import ParkedError, discard, retry
from projections.registry import get_projection


@admin.register(LaneCheckpoint)
class LaneCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("projection", "lane", "position", "updated_at")
    list_filter = ("projection",)


@admin.register(ParkedEvent)
class ParkedEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "projection", "state", "position", "event_type", "blocking_key", "error")
    list_filter = ("projection", "state", "event_type")
    search_fields = ("blocking_key", "stream", "error")
    actions = ("retry_selected", "discard_selected")

    @admin.action(description="Retry (with everything parked behind, in order)")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[ParkedEvent]) -> None:
        # Retrying is per interview: the events behind the chosen ones go in their order too.
        keys = sorted(
            set(
                queryset.filter(state=ParkedEvent.State.PARKED).values_list(
                    "projection", "blocking_key"
                )
            )
        )
        for projection_name, key in keys:
            try:
                outcome = retry(get_projection(projection_name), get_event_store(), key)
            except ParkedError as e:
                self.message_user(request, str(e), messages.WARNING)
                continue
            level = messages.SUCCESS if outcome.error is None else messages.ERROR
            text = f"{key}: applied {outcome.applied}, {outcome.remaining} still parked"
            self.message_user(
                request, text + (f" ({outcome.error})" if outcome.error else ""), level
            )

    @admin.action(description="Discard (drop without applying)")
    def discard_selected(self, request: HttpRequest, queryset: QuerySet[ParkedEvent]) -> None:
        for parked in queryset.filter(state=ParkedEvent.State.PARKED).order_by("position"):
            try:
                discard(get_projection(parked.projection), parked.id)
            except ParkedError as e:
                self.message_user(request, str(e), messages.WARNING)
                continue
            self.message_user(request, f"discarded {parked.id} ({parked.event_type})")
