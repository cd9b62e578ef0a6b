"""A sentence's history, and the sentence as it was (time travel), from its own events.

Both are rebuilt from the event store, not the read model: the history is the log itself, and
a past state is the aggregate replayed up to a point.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role
from api.rows import is_position
from api.sentences import sentence_for
from commands.history import sentence_as_of as replay_as_of
from commands.history import sentence_history, sentence_state
from events.wiring import get_event_store


class SentenceHistory(APIView):
    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request: Request, sentence_id: UUID) -> Response:
        sentence_for(request, sentence_id, Role.VIEWER)
        return Response(sentence_history(get_event_store(), sentence_id))


def sentence_as_of(sentence_id: UUID, raw: str) -> Response:
    """The sentence as it was at `raw` (a global position or an ISO time), from its events.

    The caller has checked access."""
    rebuilt = replay_as_of(get_event_store(), sentence_id, _as_of(raw))
    if rebuilt is None:
        raise serializers.ValidationError({"as_of": ["the sentence did not exist yet"]})
    return Response({"id": str(sentence_id), "version": rebuilt.version, **sentence_state(rebuilt)})


def _as_of(raw: str) -> Any:
    """A test of whether an event happened at or before `raw` (a position or an ISO time)."""
    if is_position(raw):
        position = int(raw)
        return lambda event: event.position <= position
    try:
        moment: datetime | None = parse_datetime(raw) if raw else None
    except ValueError:  # well-formed but impossible: month 13, an offset of +99:00
        moment = None
    if moment is None or moment.tzinfo is None:
        raise serializers.ValidationError(
            {"as_of": ["a global position, or an ISO 8601 time with its offset"]}
        )
    return lambda event: event.occurred_at <= moment
