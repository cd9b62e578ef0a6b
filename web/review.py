"""The review page: an interview's sentences with AI and expert values side by side, filters,
and the inline corrections (edit, override, revert, confirm).

Every write dispatches the command the REST API sends for it (api/corrections.py: same input
serializers, same command classes), with the authenticated user as actor and the version the
row was rendered with. A stale version is shown as a conflict — what the other expert changed
and a choice to re-apply or drop one's own change — never retried or overwritten (SPEC 6).

One set of templates serves the whole page and its htmx fragments (the list when the filters
change, one row after a write, a row with its form open), so a fragment is the page's markup.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from access.permissions import Role
from access.selectors import role_in
from api.corrections import Confirm, Edit, Override, Revert, SentenceCommandView
from api.interview_commands import MAX_BULK, BulkConfirmInput
from api.rows import visible_row
from api.sentences import SINGLE_LABELS, filtered
from commands.bus import dispatch
from commands.errors import CommandError, InvalidCommand, StaleVersion
from commands.history import sentence_history
from commands.messages import ConfirmSentence
from commands.results import CommandResult
from events.dimensions import DIMENSIONS, Dimension
from events.envelope import Actor
from events.wiring import get_event_store
from projections.waiting import wait_for_position
from readmodel.models import Interview, Project, Sentence

WAIT_LIMIT = 5.0  # seconds a write waits for its row to be projected (tests set it to 0)
PAGE_SIZE = 200  # sentences a page: an interview has a few hundred, most fit on one
LOW_CONFIDENCE = 0.5  # AI values below this are marked for attention
CONFIDENCE_FILTERS = (0.5, 0.7, 0.9)
CORRECTIONS: dict[str, type[SentenceCommandView]] = {
    "edit": Edit,
    "override": Override,
    "revert": Revert,
    "confirm": Confirm,
}
LABELS = {
    Dimension.FUNCTION_TYPE: "Function",
    Dimension.STRUCTURE_TYPE: "Structure",
    Dimension.PURPOSE: "Purpose",
    Dimension.TOPIC_LEVEL_1: "Topic (L1)",
    Dimension.TOPIC_LEVEL_3: "Topic (L3)",
    Dimension.OVERALL_KEYWORDS: "Keywords",
    Dimension.DOMAIN_KEYWORDS: "Domain keywords",
}
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


# --- what a row shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One dimension of a sentence as the row shows it: effective value, and the AI's."""

    label: str
    shown: str
    ai: str
    confidence: int | None  # percent
    overridden: bool
    low: bool
    by: str
    reason: str


@dataclass(frozen=True)
class Change:
    """One change another expert made, for the conflict panel."""

    actor: str
    verb: str
    reason: str
    at: datetime | None
    fields: list[tuple[str, str, str]]  # label, old, new


@dataclass(frozen=True)
class Conflict:
    changes: list[Change]
    mine: list[str]  # what the reviewer's own (unsaved) change would do
    resubmit: list[tuple[str, str]]  # the form's fields, to re-apply at `version`
    version: int


@dataclass
class Row:
    sentence: Sentence
    open: str | None = None  # the correction whose form is open in the row
    form: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflict: Conflict | None = None
    pending: int | None = None  # a version written but not yet projected: the row polls

    @property
    def values(self) -> list[Value]:
        return values_of(self.sentence)

    @property
    def form_template(self) -> str | None:
        return f"web/review/_form_{self.open}.html" if self.open else None

    @property
    def error(self) -> str:
        """A message about the row as a whole (e.g. a refused confirmation)."""
        return " ".join(self.errors.get("form", []))


def values_of(sentence: Sentence) -> list[Value]:
    ai, confidence = sentence.ai_values or {}, sentence.ai_confidence or {}
    values = []
    for dimension, label in LABELS.items():
        overridden = dimension.value in sentence.overrides
        meta = sentence.override_meta.get(dimension.value) or {}
        score = confidence.get(dimension.value)
        values.append(
            Value(
                label=label,
                shown=as_text(sentence.effective.get(dimension.value)),
                ai=as_text(ai.get(dimension.value)),
                confidence=None if score is None else round(100 * score),
                overridden=overridden,
                low=not overridden and score is not None and score < LOW_CONFIDENCE,
                by=actor_name(meta.get("actor")),
                reason=meta.get("reason") or "",
            )
        )
    return values


def as_text(value: object) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def actor_name(actor: object) -> str:
    if isinstance(actor, dict):
        return str(actor.get("display") or actor.get("id") or "")
    return str(actor or "")


# --- the forms of a row ---------------------------------------------------------------------


def form_context(action: str, sentence: Sentence, data: QueryDict | None) -> dict[str, Any]:
    """What the open form shows: the submitted values after an error, else the current ones."""
    data = data if data is not None else QueryDict()
    builders = {
        "edit": _edit_form,
        "override": _override_form,
        "revert": _revert_form,
        "confirm": _confirm_form,
    }
    return {"reason": data.get("reason", ""), **builders[action](sentence, data)}


def _edit_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    return {"text": data.get("text", sentence.text)}


def _confirm_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    return {"note": data.get("note", "")}


def _revert_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    chosen = set(data.getlist("fields"))
    ai = sentence.ai_values or {}
    return {
        "choices": [
            {
                "name": name,
                "label": LABELS[Dimension(name)],
                "expert": as_text(value),
                "ai": as_text(ai.get(name)),
                "checked": name in chosen,
            }
            for name, value in sentence.overrides.items()
        ]
    }


def _override_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    effective = sentence.effective
    selects = [
        {
            "name": spec.name.value,
            "label": LABELS[spec.name],
            "current": as_text(effective.get(spec.name.value)),
            "options": [(label, data.get(spec.name.value) == label) for label in spec.labels or ()],
        }
        for spec in DIMENSIONS.values()
        if not spec.multi
    ]
    keywords = list(effective.get(Dimension.OVERALL_KEYWORDS.value) or [])
    current = list(effective.get(Dimension.DOMAIN_KEYWORDS.value) or [])
    # After an error the form comes back with the reviewer's ticks, not the current ones.
    ticked = data.getlist("domain_keywords") if "initial_domain_keywords" in data else current
    project = Project.objects.filter(id=sentence.project_id).first()
    listed = list(project.domain_keywords) if project else []
    # A keyword since dropped from the project's list is still shown, so saving the form
    # does not remove it unasked.
    allowed = listed + [k for k in current if k not in listed]
    return {
        "selects": selects,
        "keywords": data.get("overall_keywords", ", ".join(keywords)),
        "initial_keywords": data.get("initial_overall_keywords", json.dumps(keywords)),
        "domain": [(keyword, keyword in ticked) for keyword in allowed],
        "domain_chosen": ", ".join(k for k in allowed if k in ticked) or "none",
        "initial_domain": data.get("initial_domain_keywords", json.dumps(current)),
    }


# --- reading -------------------------------------------------------------------------------


class FilterParams:
    """The query string as `api.sentences.filtered` reads it (`.query_params`), without the
    empty values an HTML form sends for "any" — so the page and the API filter alike."""

    def __init__(self, query: QueryDict) -> None:
        self.query_params = QueryDict(mutable=True)
        for name, values in query.lists():
            kept = [v for v in values if v != ""]
            if kept and name != "page":
                self.query_params.setlist(name, kept)


def listing(request: HttpRequest, interview: Interview) -> dict[str, Any]:
    """The filtered sentences of the page asked for, and what the filter bar shows.

    Raises rest_framework's ValidationError for a malformed filter value."""
    params = FilterParams(request.GET)
    everything = Sentence.objects.filter(interview_id=interview.id)
    chosen = filtered(everything, params).order_by("index")
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "rows": [Row(sentence) for sentence in page],
        "page": page,
        "query": params.query_params.urlencode(),
        "filtering": bool(params.query_params),
        "unreviewed": chosen.filter(reviewed=False).count(),
        **filter_bar(params.query_params, everything),
    }


def filter_bar(query: QueryDict, sentences: QuerySet[Sentence]) -> dict[str, Any]:
    speakers = (
        sentences.exclude(speaker=None)
        .exclude(speaker="")
        .order_by("speaker")
        .values_list("speaker", flat=True)
        .distinct()
    )
    return {
        "f": query,
        "speakers": [(s, query.get("speaker") == s) for s in speakers],
        "confidences": [
            (str(c), f"below {round(c * 100)}%", query.get("confidence_below") == str(c))
            for c in CONFIDENCE_FILTERS
        ],
        "dimension_filters": [
            {
                "name": name,
                "label": LABELS[Dimension(name)],
                "options": [(v, query.get(name) == v) for v in DIMENSIONS[Dimension(name)].labels],
            }
            for name in SINGLE_LABELS
        ],
    }


def can_edit(request: HttpRequest, project_id: UUID) -> bool:
    role = role_in(user=request.user, project_id=project_id)
    return role is not None and role.allows(Role.REVIEWER)


# --- writing -------------------------------------------------------------------------------


def payload(action: str, post: QueryDict) -> dict[str, Any]:
    """The correction's input as its API serializer expects it, from the form's fields."""
    reason = {"reason": post.get("reason", "")}
    if action == "edit":
        return {"text": post.get("text", ""), **reason}
    if action == "override":
        return {"fields": override_fields(post), **reason}
    if action == "revert":
        return {"fields": post.getlist("fields"), **reason}
    return {"note": post.get("note", "")}


def override_fields(post: QueryDict) -> dict[str, Any]:
    """Only what the reviewer changed: a label chosen in a dropdown ("keep" sends nothing), and
    keyword lists that differ from the ones the form was rendered with. Comparing with the
    rendered values, not with the current ones, keeps a re-applied change from undoing a
    keyword change another expert made meanwhile."""
    fields: dict[str, Any] = {
        name: post[name] for name in SINGLE_LABELS if post.get(name, "") != ""
    }
    if "overall_keywords" in post:
        words = [w.strip().lower() for w in post["overall_keywords"].split(",") if w.strip()]
        if words != _initial(post, "initial_overall_keywords", words):
            fields[Dimension.OVERALL_KEYWORDS.value] = words
    if "initial_domain_keywords" in post or "domain_keywords" in post:
        chosen = post.getlist("domain_keywords")
        if set(chosen) != set(_initial(post, "initial_domain_keywords", [])):
            fields[Dimension.DOMAIN_KEYWORDS.value] = chosen
    return fields


def _initial(post: QueryDict, name: str, default: list[str]) -> list[str]:
    try:
        value = json.loads(post[name])
    except (KeyError, ValueError):
        return default
    return [str(v) for v in value] if isinstance(value, list) else default


def form_errors(errors: dict[str, Any], action: str) -> dict[str, list[str]]:
    """Serializer errors as messages by form field, in the words of the page."""
    by_field: dict[str, list[str]] = {}
    for name, problems in errors.items():
        texts = [str(p) for p in (problems if isinstance(problems, list) else [problems])]
        if name == "reason":
            texts = ["Give a reason: other reviewers read it in the history."]
        elif name == "fields" and action == "override":
            texts = ["Choose at least one new value."]
        elif name == "fields" and action == "revert":
            texts = ["Choose at least one override to revert."]
        elif name == "non_field_errors":
            name = "form"
        by_field[name] = texts
    return by_field


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


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated user — never a field of the form (SPEC 10.2)."""
    return Actor.human(request.user.pk, request.user.get_username())


def seen_version(post: QueryDict) -> int | None:
    raw = post.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


# --- responses -----------------------------------------------------------------------------


def row_response(
    request: HttpRequest, row: Row, status: int = 200, *, summary: bool = False
) -> HttpResponse:
    """The row for htmx to swap in; without JavaScript, the row alone on a page."""
    sentence = row.sentence
    context = {"row": row, "can_edit": True}
    if not request.htmx:
        context["interview"] = Interview.objects.filter(id=sentence.interview_id).first()
        return render(request, "web/review/row_page.html", context, status=status)
    if summary:  # a write changed the interview's counters: swap them too (out of band)
        context["interview"] = Interview.objects.filter(id=sentence.interview_id).first()
        context["oob"] = True
    return render(request, "web/review/_row_response.html", context, status=status)


def written(request: HttpRequest, sentence: Sentence, result: CommandResult) -> HttpResponse:
    """Read-your-writes: wait (bounded) for the projection, then show the row as it is now."""
    wait_for_position(result.position, interview_id=sentence.interview_id, timeout=WAIT_LIMIT)
    sentence.refresh_from_db()
    if not request.htmx:
        return redirect(review_url(sentence))
    pending = result.version if sentence.version < result.version else None
    return row_response(request, Row(sentence, pending=pending), summary=True)


def conflicted(
    request: HttpRequest, sentence: Sentence, action: str, data: dict, stale: StaleVersion
) -> HttpResponse:
    """409: the row as it is now, what changed since the reviewer saw it, and their change
    to re-apply on top (at the current version) or to drop."""
    if stale.unseen_events:
        last = stale.unseen_events[-1].position
        wait_for_position(last, interview_id=sentence.interview_id, timeout=WAIT_LIMIT)
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
    )
    return row_response(request, Row(sentence, open=action, conflict=conflict), status=409)


def review_url(sentence: Sentence) -> str:
    return f"{reverse('review', args=[sentence.interview_id])}#s-{sentence.id}"


# --- views ---------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, interview_id: UUID) -> HttpResponse:
    """The page; for htmx (filters, pages) only the sentence list."""
    interview = visible_row(Interview, interview_id, request, Role.VIEWER)
    context, status = page_context(request, interview)
    if request.htmx and request.htmx.target == "sentence-list":
        return render(request, "web/review/_list.html", context, status=status)
    return render(request, "web/review/review.html", context, status=status)


def page_context(request: HttpRequest, interview: Interview) -> tuple[dict[str, Any], int]:
    """The page's context and status: 400 (with the message) for a malformed filter."""
    context: dict[str, Any] = {
        "interview": interview,
        "project": Project.objects.filter(id=interview.project_id).first(),
        "can_edit": can_edit(request, interview.project_id),
    }
    try:
        context.update(listing(request, interview))
    except ValidationError as invalid:
        query = FilterParams(request.GET).query_params
        context.update(
            rows=[],
            query=query.urlencode(),
            filter_error=_first_message(invalid),
            **filter_bar(query, Sentence.objects.none()),
        )
        return context, 400
    return context, 200


@login_required
@require_GET
def row(request: HttpRequest, sentence_id: UUID) -> HttpResponse:
    """One row (after Cancel or Escape, or while a write is being projected: `?after=<v>`)."""
    sentence = visible_row(Sentence, sentence_id, request, Role.VIEWER)
    if not request.htmx:
        return redirect(review_url(sentence))
    after = request.GET.get("after", "")
    pending = int(after) if after.isdigit() and sentence.version < int(after) else None
    context = {
        "row": Row(sentence, pending=pending),
        "can_edit": can_edit(request, sentence.project_id),
    }
    return render(request, "web/review/_row.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest, sentence_id: UUID, action: str) -> HttpResponse:
    """GET: the row with the correction's form open. POST: dispatch the correction."""
    sentence = visible_row(Sentence, sentence_id, request, Role.REVIEWER)
    if request.method == "GET":
        return opened(request, sentence, action)
    version = seen_version(request.POST)
    if version is None:
        return HttpResponseBadRequest("the form must carry the version of the sentence it shows")
    view, data = CORRECTIONS[action], payload(action, request.POST)
    serializer = view.input(data=data)
    if not serializer.is_valid():
        return refused(request, sentence, action, form_errors(serializer.errors, action))
    command = view.command(
        actor=actor_of(request),
        sentence_id=sentence.id,
        expected_version=version,
        **view().build(serializer.validated_data),
    )
    try:
        result = dispatch(command)
    except StaleVersion as stale:
        return conflicted(request, sentence, action, serializer.validated_data, stale)
    except InvalidCommand as invalid:
        return refused(request, sentence, action, {"form": [str(invalid)]})
    return written(request, sentence, result)


def opened(request: HttpRequest, sentence: Sentence, action: str) -> HttpResponse:
    """The row with the form open, as it is now; with what changed since the version the page
    showed (`?seen=`), so nobody composes a correction over a change they have not seen."""
    form = form_context(action, sentence, None)
    seen = request.GET.get("seen", "")
    if seen.isascii() and seen.isdigit() and int(seen) < sentence.version:
        form["unseen"] = unseen_changes(sentence.id, int(seen))
    return row_response(request, Row(sentence, open=action, form=form))


def refused(
    request: HttpRequest, sentence: Sentence, action: str, errors: dict[str, list[str]]
) -> HttpResponse:
    """422: the form again with the reviewer's input and the errors beside their fields; a
    refused one-key confirmation shows its message on the row instead of opening a form."""
    open_form = action if action != "confirm" or "note" in request.POST else None
    form = form_context(action, sentence, request.POST) if open_form else {}
    row = Row(sentence, open=open_form, form=form, errors=errors)
    return row_response(request, row, status=422)


@login_required
@require_POST
def confirm_all(request: HttpRequest, interview_id: UUID) -> HttpResponse:
    """Confirm every unreviewed sentence the filters show, each at the version its row shows;
    one changed meanwhile is skipped and listed (as the API's BulkConfirm does)."""
    interview = visible_row(Interview, interview_id, request, Role.REVIEWER)
    note = BulkConfirmInput(data=request.POST)
    if not note.is_valid():
        return HttpResponseBadRequest("the note is too long")
    try:
        chosen = filtered(
            Sentence.objects.filter(interview_id=interview.id), FilterParams(request.GET)
        )
    except ValidationError as invalid:
        return HttpResponseBadRequest(_first_message(invalid))
    chosen = chosen.filter(reviewed=False).order_by("index")
    if chosen.count() > MAX_BULK:
        return HttpResponseBadRequest(f"more than {MAX_BULK} sentences: narrow the filter")
    outcome = confirm_each(request, chosen, note.validated_data.get("note") or None)
    if outcome["position"] is not None:
        wait_for_position(outcome["position"], interview_id=interview.id, timeout=WAIT_LIMIT)
    if not request.htmx:
        messages.info(request, outcome["message"])
        query = FilterParams(request.GET).query_params.urlencode()
        return redirect(f"{reverse('review', args=[interview.id])}?{query}")
    interview.refresh_from_db()
    context, status = page_context(request, interview)
    return render(
        request, "web/review/_list.html", {**context, "bulk": outcome, "oob": True}, status=status
    )


def confirm_each(
    request: HttpRequest, sentences: Iterable[Sentence], note: str | None
) -> dict[str, Any]:
    confirmed, skipped, position = 0, [], None
    for sentence in sentences:
        try:
            result = dispatch(
                ConfirmSentence(
                    actor=actor_of(request),
                    sentence_id=sentence.id,
                    note=note,
                    expected_version=sentence.version,
                )
            )
        except (StaleVersion, CommandError):
            skipped.append(sentence.index + 1)
            continue
        confirmed, position = confirmed + 1, result.position
    message = f"Confirmed {confirmed} sentence(s)."
    if skipped:
        numbers = ", ".join(f"#{n}" for n in skipped)
        message += f" Skipped {len(skipped)} changed meanwhile: {numbers} — review them again."
    return {"confirmed": confirmed, "skipped": skipped, "position": position, "message": message}


def _first_message(invalid: ValidationError) -> str:
    detail = invalid.detail
    if isinstance(detail, dict):
        name, problems = next(iter(detail.items()))
        return f"{name}: {problems[0] if isinstance(problems, list) else problems}"
    return str(detail[0] if isinstance(detail, list) else detail)


urlpatterns = [
    path("interviews/<uuid:interview_id>/", review, name="review"),
    path("interviews/<uuid:interview_id>/confirm/", confirm_all, name="review_confirm_all"),
    path("review/sentences/<uuid:sentence_id>/", row, name="review_row"),
    *(
        path(
            f"review/sentences/<uuid:sentence_id>/{action}/",
            correction,
            {"action": action},
            name=f"review_{action}",
        )
        for action in CORRECTIONS
    ),
]
