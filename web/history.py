"""A sentence's history: every event of its stream as a timeline (who, when, why, what changed),
and the whole sentence as it was at any point of it (`?as_of=<position>`).

Both come from the event store, not the read model (commands.history): the history is the log
itself. This module only shapes the entries for the page: one row per changed field, text
changes as a word-level diff.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from access.permissions import Role
from api.rows import visible_row
from commands.history import sentence_as_of, sentence_history, sentence_state
from events.dimensions import DIMENSIONS
from events.store import EventStore
from events.wiring import get_event_store
from readmodel.models import Interview, Sentence
from readmodel.selectors import is_position

EVENT_TITLES = {
    "SentenceCreated": "Sentence created",
    "SentenceEdited": "Text edited",
    "AnalysisGenerated": "AI analysis",
    "AnalysisOverridden": "Analysis overridden",
    "AnalysisOverrideReverted": "Override reverted",
    "AnalysisCleared": "Analysis cleared",
    "SentenceReviewed": "Confirmed as reviewed",
}
DIMENSION_ORDER = [d.value for d in DIMENSIONS]
EMPTY = mark_safe('<span class="none" aria-label="none">—</span>')


@dataclass(frozen=True)
class ChangeRow:
    field: str  # "text", "purpose", …
    source: str  # why it changed: "AI", "expert override", "override removed", …
    old: SafeString
    new: SafeString
    diff: SafeString | None = None  # text only: old and new in one word-level diff


@dataclass(frozen=True)
class TimelineEntry:
    event_type: str
    title: str
    version: int
    position: int
    occurred_at: datetime | None
    actor: dict[str, str]
    reason: str | None
    note: str | None
    changes: list[ChangeRow]
    selected: bool  # the last event of the state shown as of a point
    later: bool  # after the point shown


@dataclass(frozen=True)
class DimensionState:
    name: str
    ai: SafeString
    override: SafeString | None
    effective: SafeString


@login_required
def history(request: HttpRequest, sentence_id: UUID) -> HttpResponse:
    row = visible_row(Sentence, sentence_id, request, Role.VIEWER)
    interview = Interview.objects.select_related("project").filter(id=row.interview_id).first()
    store = get_event_store()
    as_of, error = parse_as_of(request.GET.get("as_of"))
    state = None
    if not error:
        state, error = state_as_of(store, sentence_id, as_of)
    entries = timeline(sentence_history(store, sentence_id), as_of=None if error else as_of)
    context = {
        "sentence": row,
        "interview": interview,
        "project": interview.project if interview else None,
        "entries": entries,
        "as_of": None if error else as_of,
        "selected": next((e for e in entries if e.selected), None),
        "state": state,
        "dimensions": dimension_states(state) if state else [],
        "error": error,
    }
    return render(request, "web/history.html", context, status=400 if error else 200)


def parse_as_of(raw: str | None) -> tuple[int | None, str]:
    """`?as_of=` as a global position (None when absent), or the message saying why not."""
    if raw is None:
        return None, ""
    if is_position(raw):
        return int(raw), ""
    shown = raw if len(raw) <= 40 else raw[:39] + "…"
    return None, f"“{shown}” is not a point of this history: as_of must be an event position."


def state_as_of(
    store: EventStore, sentence_id: UUID, as_of: int | None
) -> tuple[dict[str, Any] | None, str]:
    """The sentence's state after its events up to `as_of` (all of them when None), or the
    message saying it did not exist yet."""
    sentence = sentence_as_of(store, sentence_id, lambda e: as_of is None or e.position <= as_of)
    if sentence is None:
        return None, f"The sentence did not exist yet at position {as_of}."
    return sentence_state(sentence), ""


def timeline(entries: list[dict[str, Any]], *, as_of: int | None) -> list[TimelineEntry]:
    """The history entries for the page; with `as_of`, the last entry at or before it is
    `selected` and the ones after it are `later`."""
    shown = [e for e in entries if as_of is None or e["position"] <= as_of]
    selected_position = shown[-1]["position"] if as_of is not None and shown else None
    return [
        TimelineEntry(
            event_type=e["event_type"],
            title=EVENT_TITLES.get(e["event_type"], _words(e["event_type"])),
            version=e["version"],
            position=e["position"],
            occurred_at=parse_datetime(e["occurred_at"]),
            actor=e["actor"],
            reason=e["reason"],
            note=e["note"],
            changes=change_rows(e["changes"]),
            selected=e["position"] == selected_position,
            later=as_of is not None and e["position"] > as_of,
        )
        for e in entries
    ]


def change_rows(changes: dict[str, dict[str, Any]]) -> list[ChangeRow]:
    """One row per field a reader cares about.

    An event changes a dimension in up to three places (ai.X, overrides.X, effective.X); the
    effective value is what a reviewer sees, so it is the row, labelled with what moved it.
    The AI or override value gets a row of its own only when the effective value did not
    follow it (a re-analysis of an overridden dimension, a revert to the AI's own value).
    """
    rows: list[ChangeRow] = []
    if "text" in changes:
        old, new = changes["text"]["old"], changes["text"]["new"]
        diff = word_diff(old, new) if old is not None and new is not None else None
        rows.append(ChangeRow("text", "", value_html(old), value_html(new), diff))
    for name in ("speaker", "reviewed"):
        change = changes.get(name)
        # A new sentence is "not reviewed" by definition: saying so on creation is noise.
        if change and not (name == "reviewed" and change["old"] is None and not change["new"]):
            rows.append(ChangeRow(name, "", *_pair(change)))
    dimensions = {key.split(".", 1)[1] for key in changes if "." in key}
    for dimension in sorted(dimensions, key=_dimension_rank):
        effective = changes.get(f"effective.{dimension}")
        ai = changes.get(f"ai.{dimension}")
        override = changes.get(f"overrides.{dimension}")
        if effective:
            source = "AI" if ai and not override else ""
            if override:
                source = "expert override" if override["new"] is not None else "override removed"
            rows.append(ChangeRow(_label(dimension), source, *_pair(effective)))
        if ai and (not effective or override):
            rows.append(ChangeRow(_label(dimension), "AI value (not in force)", *_pair(ai)))
        if override and not effective:
            rows.append(ChangeRow(_label(dimension), "override", *_pair(override)))
    return rows


def dimension_states(state: dict[str, Any]) -> list[DimensionState]:
    """Per dimension, the AI value, the override (if any) and the effective value."""
    ai, overrides, effective = state["ai"] or {}, state["overrides"], state["effective"]
    names = sorted(set(DIMENSION_ORDER) | set(effective) | set(ai), key=_dimension_rank)
    return [
        DimensionState(
            name=_label(name),
            ai=value_html(ai.get(name)),
            override=value_html(overrides[name]) if name in overrides else None,
            effective=value_html(effective.get(name)),
        )
        for name in names
    ]


def word_diff(old: str, new: str) -> SafeString:
    """`old` → `new` word by word: removed runs in <del>, added runs in <ins>, each with a
    visually hidden prefix so screen readers say which is which."""
    before, after = _tokens(old), _tokens(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(_marked("del", "removed", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(_marked("ins", "added", "".join(after[j1:j2])))
    return mark_safe("".join(parts))  # every piece was escaped above


def value_html(value: Any, *, other: Any = None, mark: str = "") -> SafeString:
    """A field value for a cell: — for none, yes/no for flags, keyword lists comma-joined
    (with `other` and `mark` "del"/"ins", the keywords missing from `other` are marked)."""
    if value is None or value == []:
        return EMPTY
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    if isinstance(value, list):
        missing = set(value) - set(other or []) if mark else set()
        label = "removed" if mark == "del" else "added"
        return format_html_join(
            ", ",
            "{}",
            ((_marked(mark, label, str(v)) if v in missing else escape(str(v)),) for v in value),
        )
    return format_html("{}", value)


def _pair(change: dict[str, Any]) -> tuple[SafeString, SafeString]:
    """Old and new for a cell each; keywords lists mark what was removed and added."""
    old, new = change["old"], change["new"]
    if isinstance(old, list) or isinstance(new, list):
        return value_html(old, other=new, mark="del"), value_html(new, other=old, mark="ins")
    return value_html(old), value_html(new)


def _marked(tag: str, label: str, text: str) -> SafeString:
    return format_html('<{0}><span class="sr-only">{1}: </span>{2}</{0}>', tag, label, text)


def _tokens(text: str) -> list[str]:
    # Words and the whitespace between them as separate tokens: the diff then marks whole
    # words, and joining the tokens gives back the exact text.
    return [token for token in re.split(r"(\s+)", text) if token]


def _dimension_rank(name: str) -> tuple[int, str]:
    rank = DIMENSION_ORDER.index(name) if name in DIMENSION_ORDER else len(DIMENSION_ORDER)
    return rank, name


def _label(dimension: str) -> str:
    """`overall_keywords` → `overall keywords`: wraps in a narrow column, reads as words."""
    return dimension.replace("_", " ")


def _words(event_type: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", event_type).capitalize()


urlpatterns = [path("sentences/<uuid:sentence_id>/history/", history, name="history")]
