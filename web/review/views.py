"""The review page's views: thin — check the role, read the form, dispatch the command the REST
API sends for it (api/corrections.py: same input serializers, same command classes), answer with
the row or the list."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from access.actors import actor_for
from access.permissions import Role
from api.corrections import Confirm, Edit, Override, Revert, SentenceCommandView
from api.interview_commands import BulkConfirmInput, seen_rows
from api.rows import visible_row
from commands.bulk import BulkOutcome, confirm_sentences
from commands.errors import InterviewArchived, InvalidCommand
from edits.corrections import Conflicted, sentence_correct
from readmodel.models import Interview, Sentence
from readmodel.selectors import is_position
from web.review import listing
from web.review.conflicts import conflicted, unseen_changes
from web.review.display import Row
from web.review.forms import bulk_seen, form_context, form_errors, payload, seen_version
from web.review.listing import READ_ONLY, FilterParams, can_edit, first_message, page_context
from web.review.responses import review_url, row_response, wait_for_projection, written

CORRECTIONS: dict[str, type[SentenceCommandView]] = {
    "edit": Edit,
    "override": Override,
    "revert": Revert,
    "confirm": Confirm,
}


@login_required
@require_GET
def review(request: HttpRequest, interview_id: UUID) -> HttpResponse:
    """The page; for htmx (filters, pages) only the sentence list."""
    interview = visible_row(Interview, interview_id, request, Role.VIEWER)
    context, status = page_context(request, interview)
    if request.htmx and request.htmx.target == "sentence-list":
        return render(request, "web/review/_list.html", context, status=status)
    return render(request, "web/review/review.html", context, status=status)


@login_required
@require_GET
def row(request: HttpRequest, sentence_id: UUID) -> HttpResponse:
    """One row (after Cancel or Escape, or while a write is being projected: `?after=<v>`)."""
    sentence = visible_row(Sentence, sentence_id, request, Role.VIEWER)
    if not request.htmx:
        return redirect(review_url(sentence))
    after = request.GET.get("after", "")
    pending = int(after) if is_position(after) and sentence.version < int(after) else None
    interview = Interview.objects.filter(id=sentence.interview_id).first()
    context = {"row": Row(sentence, pending=pending), "can_edit": can_edit(request, interview)}
    return render(request, "web/review/_row.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest, sentence_id: UUID, action: str) -> HttpResponse:
    """GET: the row with the correction's form open. POST: dispatch the correction, at the
    version the row was rendered with and with the authenticated user as actor."""
    sentence = visible_row(Sentence, sentence_id, request, Role.REVIEWER)
    if request.method == "GET":
        return opened(request, sentence, action)
    version = seen_version(request.POST)
    if version is None:
        return HttpResponseBadRequest("the form must carry the version of the sentence it shows")
    serializer = CORRECTIONS[action].input(data=payload(action, request.POST))
    if not serializer.is_valid():
        return refused(request, sentence, action, form_errors(serializer.errors, action))
    try:
        outcome = sentence_correct(
            actor=actor_for(request.user),
            sentence_id=sentence.id,
            action=action,
            data=serializer.validated_data,
            expected_version=version,
        )
    except InterviewArchived as archived:  # no form to fix: the row, read-only, and why
        return row_response(request, Row(sentence, errors={"form": [str(archived)]}), status=422)
    except InvalidCommand as invalid:
        return refused(request, sentence, action, {"form": [str(invalid)]})
    if isinstance(outcome, Conflicted):
        stale = outcome.stale
        return conflicted(request, sentence, action, serializer.validated_data, stale)
    return written(request, sentence, outcome.result)


def opened(request: HttpRequest, sentence: Sentence, action: str) -> HttpResponse:
    """The row with the form open, as it is now; with what changed since the version the page
    showed (`?seen=`), so nobody composes a correction over a change they have not seen."""
    if Interview.objects.filter(id=sentence.interview_id, status="archived").exists():
        return row_response(request, Row(sentence, errors={"form": [READ_ONLY]}))
    form = form_context(action, sentence, None)
    seen = request.GET.get("seen", "")
    if is_position(seen) and int(seen) < sentence.version:
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
    """Confirm the sentences the page showed unreviewed, each at the version its row showed
    (the rows' `seen` fields): one changed since — or with a conflict open, whose row carries
    the version the reviewer's change was made from — is skipped and named, never confirmed.
    Every answer is the list, with the outcome or the error in it."""
    interview = visible_row(Interview, interview_id, request, Role.REVIEWER)
    seen = bulk_seen(request.POST)
    data = BulkConfirmInput(data={"note": request.POST.get("note", ""), **seen})
    try:
        if not seen:
            raise ValidationError(
                {"sentences": ["no unreviewed sentence is shown: reload the page"]}
            )
        if len(seen["sentences"]) > listing.PAGE_SIZE:  # the page never shows more
            raise ValidationError(
                {"sentences": [f"more than the {listing.PAGE_SIZE} sentences a page shows"]}
            )
        data.is_valid(raise_exception=True)
        rows, named = seen_rows(interview.id, data.validated_data["sentences"])
        outcome = confirm_sentences(
            actor=actor_for(request.user),
            interview_id=interview.id,
            rows=rows,
            note=data.validated_data.get("note") or None,
        )
    except ValidationError as invalid:
        return bulk_answer(request, interview, {"error": bulk_error(invalid)}, 400)
    except InterviewArchived as archived:
        return bulk_answer(request, interview, {"error": str(archived)}, 422)
    if outcome.position is not None:
        wait_for_projection(outcome.position, interview.id)
    return bulk_answer(request, interview, bulk_summary(outcome, named), 200)


def bulk_answer(
    request: HttpRequest, interview: Interview, bulk: dict[str, Any], status: int
) -> HttpResponse:
    """The list with the bulk outcome (or error) in its notice; without JavaScript, the page
    again with the notice as a message."""
    if not request.htmx:
        if "error" in bulk:
            messages.error(request, f"Nothing confirmed: {bulk['error']}")
        else:
            messages.info(request, bulk["message"])
        query = FilterParams(request.GET).query_params.urlencode()
        return redirect(f"{reverse('review', args=[interview.id])}?{query}")
    interview.refresh_from_db()
    context, listed = page_context(request, interview)
    context = {**context, "bulk": bulk, "oob": True}
    return render(request, "web/review/_list.html", context, status=max(status, listed))


def bulk_error(invalid: ValidationError) -> str:
    """A refused bulk confirmation in one line; a malformed row (not one the page renders) is
    told as such rather than by its index."""
    detail = invalid.detail
    problems = detail.get("sentences") if isinstance(detail, dict) else None
    if isinstance(problems, list) and problems and isinstance(problems[0], str):
        return str(problems[0])
    if problems is not None:
        return "the sentences shown are not as the page sends them: reload the page"
    return first_message(invalid)


def bulk_summary(outcome: BulkOutcome, named: dict[UUID, Sentence]) -> dict[str, Any]:
    """The outcome for the list's notice; a skipped sentence by the number and the words a
    reviewer sees, and why."""
    skipped = [
        {
            "id": sentence_id,
            "number": named[sentence_id].index + 1,
            "text": Truncator(named[sentence_id].text).chars(60),
            "reason": reason,
        }
        for sentence_id, reason in outcome.skipped
    ]
    message = f"Confirmed {len(outcome.confirmed)} sentence(s)."
    if skipped:
        listed = "; ".join(f"#{s['number']} “{s['text']}” ({s['reason']})" for s in skipped)
        message += f" Not confirmed {len(skipped)} — review them again: {listed}."
    return {
        "confirmed": len(outcome.confirmed),
        "skipped": skipped,
        "position": outcome.position,
        "message": message,
    }


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
