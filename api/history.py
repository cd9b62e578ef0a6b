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
from commands.aggregates import Sentence
from events.envelope import RecordedEvent
from events.wiring import get_event_store


def _state(sentence: Sentence) -> dict[str, Any]:
    """What a reviewer sees of a sentence: the fields a history entry compares."""
    return {
        "text": sentence.text,
        "speaker": sentence.speaker,
        "effective": sentence.effective_values(),
        "ai": dict(sentence.analysis.values) if sentence.analysis else None,
        "overrides": dict(sentence.overrides),
        "reviewed": sentence.confirmed,
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field-level old → new; dimensions of `effective`, `ai` and `overrides` one by one."""
    changes: dict[str, dict[str, Any]] = {}
    for name in after:
        old, new = before.get(name), after[name]
        if isinstance(new, dict) or isinstance(old, dict):
            old, new = old or {}, new or {}
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    changes[f"{name}.{key}"] = {"old": old.get(key), "new": new.get(key)}
        elif old != new:
            changes[name] = {"old": old, "new": new}
    return changes


def _entry(event: RecordedEvent, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "version": event.version,
        "position": event.position,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor.as_dict(),
        "reason": event.data.get("reason"),
        "note": event.data.get("note"),
        "changes": changes,
    }


class SentenceHistory(APIView):
    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request: Request, sentence_id: UUID) -> Response:
        sentence_for(request, sentence_id, Role.VIEWER)
        rebuilt, before, entries = Sentence(id=sentence_id), {}, []
        for event in get_event_store().read_stream(f"Sentence-{sentence_id}"):
            rebuilt.replay(event)
            after = _state(rebuilt)
            entries.append(_entry(event, _changes(before, after)))
            before = after
        return Response(entries)


def sentence_as_of(sentence_id: UUID, raw: str) -> Response:
    """The sentence as it was at `raw` (a global position or an ISO time), from its events.

    The caller has checked access."""
    included = _as_of(raw)
    rebuilt = Sentence(id=sentence_id)
    for event in get_event_store().read_stream(f"Sentence-{sentence_id}"):
        if not included(event):
            break
        rebuilt.replay(event)
    if rebuilt.version is None:
        raise serializers.ValidationError({"as_of": ["the sentence did not exist yet"]})
    return Response({"id": str(sentence_id), "version": rebuilt.version, **_state(rebuilt)})


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
