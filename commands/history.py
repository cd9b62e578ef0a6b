"""A sentence's history and its past states, rebuilt from its own events.

Framework-free on purpose: the REST API and the correction UI both show them. The history is
the log itself; a past state is the aggregate replayed up to a point.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from commands.aggregates import Sentence
from events.envelope import RecordedEvent
from events.store import EventStore


def sentence_state(sentence: Sentence) -> dict[str, Any]:
    """What a reviewer sees of a sentence: the fields a history entry compares."""
    return {
        "text": sentence.text,
        "speaker": sentence.speaker,
        "effective": sentence.effective_values(),
        "ai": dict(sentence.analysis.values) if sentence.analysis else None,
        "overrides": dict(sentence.overrides),
        "reviewed": sentence.confirmed,
    }


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
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


def history_entry(event: RecordedEvent, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
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


def sentence_history(store: EventStore, sentence_id: UUID) -> list[dict[str, Any]]:
    """Every event of the sentence, oldest first, with actor, reason and field changes."""
    rebuilt, before, entries = Sentence(id=sentence_id), {}, []
    for event in store.read_stream(f"Sentence-{sentence_id}"):
        rebuilt.replay(event)
        after = sentence_state(rebuilt)
        entries.append(history_entry(event, field_changes(before, after)))
        before = after
    return entries


def sentence_as_of(
    store: EventStore, sentence_id: UUID, included: Callable[[RecordedEvent], bool]
) -> Sentence | None:
    """The sentence replayed over its events while `included(event)`; None if none was."""
    rebuilt = Sentence(id=sentence_id)
    for event in store.read_stream(f"Sentence-{sentence_id}"):
        if not included(event):
            break
        rebuilt.replay(event)
    return rebuilt if rebuilt.version is not None else None
