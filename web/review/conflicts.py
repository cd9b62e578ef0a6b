"""A correction written over a version the reviewer had not seen: what the other experts
changed since, from the sentence's history, beside the reviewer's own change to re-apply or to
drop — never retried or overwritten (docs/architecture.md, Corrections)."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime

from commands.aggregates import Sentence as SentenceAggregate
from commands.errors import StaleVersion
from commands.history import sentence_history
from events.dimensions import Dimension
from events.wiring import get_event_store
from readmodel.models import Sentence
from web.review.display import LABELS, Change, Conflict, Row, TextMerge, actor_name, as_text
from web.review.merge import merge3, word_diff
from web.review.responses import row_response, wait_for_projection

# What a history entry's field names mean to a reviewer; other fields repeat these.
CHANGE_LABELS = {
    "text": "Text",
    "speaker": "Speaker",
    "reviewed": "Reviewed",
    **{f"effective.{name.value}": label for name, label in LABELS.items()},
}
VERBS = {
    "SentenceEdited": "edited the text",
    "AnalysisGenerated": "re-analysed it",
    "AnalysisOverridden": "overrode the analysis",
    "AnalysisOverrideReverted": "reverted overrides",
    "AnalysisCleared": "cleared the AI analysis",
    "SentenceReviewed": "confirmed it as reviewed",
}
# Form fields that are not part of a correction: never echoed back on a re-apply.
NOT_RESUBMITTED = {"csrfmiddlewaretoken", "version"}


def conflicted(
    request: HttpRequest, sentence: Sentence, action: str, data: dict, stale: StaleVersion
) -> HttpResponse:
    """409: the row as it is now, what changed since the reviewer saw it, and their change
    to re-apply on top (at the current version) or to drop. A text edit that met another
    text edit is shown against the text both started from, with a merge of the two to save
    (at the current version) — re-applying it unmerged would drop the other expert's text."""
    if stale.unseen_events:
        wait_for_projection(stale.unseen_events[-1].position, sentence.interview_id)
    sentence.refresh_from_db()
    conflict = Conflict(
        changes=unseen_changes(sentence.id, stale.expected_version),
        mine=my_change(action, data),
        resubmit=[
            (name, value)
            for name, values in request.POST.lists()
            if name not in NOT_RESUBMITTED
            for value in values
        ],
        version=stale.current_version or 0,
        seen=stale.expected_version,
        text_merge=text_merge(sentence.id, stale, data) if action == "edit" else None,
        reason=str(data.get("reason") or ""),
    )
    return row_response(request, Row(sentence, open=action, conflict=conflict), status=409)


def unseen_changes(sentence_id: UUID, seen_version: int | None) -> list[Change]:
    """What happened to the sentence after the version the reviewer saw, from its history."""
    after = -1 if seen_version is None else seen_version
    return [
        Change(
            actor=actor_name(entry["actor"]),
            verb=VERBS.get(entry["event_type"], entry["event_type"]),
            reason=entry.get("reason") or entry.get("note") or "",
            at=parse_datetime(entry["occurred_at"]),
            fields=[
                (CHANGE_LABELS[name], as_text(change["old"]), as_text(change["new"]))
                for name, change in entry["changes"].items()
                if name in CHANGE_LABELS
            ],
        )
        for entry in sentence_history(get_event_store(), sentence_id)
        if entry["version"] > after
    ]


def text_merge(sentence_id: UUID, stale: StaleVersion, data: dict) -> TextMerge | None:
    """The reviewer's text and the saved one against the text the reviewer started from, from
    the event log at the versions the conflict names; None if nobody else changed the text."""
    sentence = SentenceAggregate(id=sentence_id)
    base: str | None = None
    for event in get_event_store().read_stream(sentence.stream):
        if stale.current_version is not None and event.version > stale.current_version:
            break
        sentence.replay(event)
        if event.version == stale.expected_version:
            base = sentence.text
    theirs, mine = sentence.text, str(data["text"])
    if base is None or base == theirs:
        return None  # the other change left the text alone: applying mine on top loses nothing
    merged = merge3(base, theirs, mine)
    return TextMerge(
        theirs=word_diff(base, theirs),
        mine=word_diff(base, mine),
        mine_text=mine,
        merged=merged.text,
        clean=merged.clean,
    )


def my_change(action: str, data: dict[str, Any]) -> list[str]:
    """The reviewer's unsaved change in words, for the conflict panel."""
    if action == "edit":
        lines = [f"text → “{data['text']}”"]
    elif action == "override":
        lines = [f"{LABELS[Dimension(k)]} → {as_text(v)}" for k, v in data["fields"].items()]
    elif action == "revert":
        lines = ["revert " + ", ".join(LABELS[Dimension(k)] for k in data["fields"])]
    else:
        lines = ["confirm as reviewed" + (f" (note: {data['note']})" if data.get("note") else "")]
    if data.get("reason"):
        lines.append(f"reason: “{data['reason']}”")
    return lines
