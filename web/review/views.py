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
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from access.actors import actor_for
from access.permissions import Role
from api.corrections import Confirm, Edit, Override, Revert, SentenceCommandView
from api.interview_commands import MAX_BULK, BulkConfirmInput
from api.rows import is_position, visible_row
from api.sentences import filtered
from commands.bulk import BulkOutcome, confirm_sentences
from commands.bus import dispatch
from commands.errors import InvalidCommand, StaleVersion
from readmodel.models import Interview, Sentence
from web.review.conflicts import conflicted, unseen_changes
from web.review.display import Row
from web.review.forms import form_context, form_errors, payload, seen_version
from web.review.listing import FilterParams, can_edit, first_message, page_context
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
    context = {
        "row": Row(sentence, pending=pending),
        "can_edit": can_edit(request, sentence.project_id),
    }
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
    view, data = CORRECTIONS[action], payload(action, request.POST)
    serializer = view.input(data=data)
    if not serializer.is_valid():
        return refused(request, sentence, action, form_errors(serializer.errors, action))
    command = view.command(
        actor=actor_for(request.user),
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
    """Confirm every unreviewed sentence the filters show, each at the version its row shows;
    one changed meanwhile is skipped and listed (as the API's BulkConfirm does)."""
    interview = visible_row(Interview, interview_id, request, Role.REVIEWER)
    note = BulkConfirmInput(data=request.POST)
    if not note.is_valid():
        return HttpResponseBadRequest("the note is too long")
    params = FilterParams(request.GET)
    try:
        chosen = filtered(Sentence.objects.filter(interview_id=interview.id), params)
    except ValidationError as invalid:
        return HttpResponseBadRequest(first_message(invalid))
    # One query: a set over the limit shows itself by its MAX_BULK + 1st row.
    sentences = list(chosen.filter(reviewed=False).order_by("index")[: MAX_BULK + 1])
    if len(sentences) > MAX_BULK:
        return HttpResponseBadRequest(f"more than {MAX_BULK} sentences: narrow the filter")
    outcome = confirm_sentences(
        actor=actor_for(request.user),
        rows=[(sentence.id, sentence.version) for sentence in sentences],
        note=note.validated_data.get("note") or None,
    )
    bulk = bulk_summary(outcome, sentences)
    if outcome.position is not None:
        wait_for_projection(outcome.position, interview.id)
    if not request.htmx:
        messages.info(request, bulk["message"])
        query = params.query_params.urlencode()
        return redirect(f"{reverse('review', args=[interview.id])}?{query}")
    interview.refresh_from_db()
    context, status = page_context(request, interview)
    return render(
        request, "web/review/_list.html", {**context, "bulk": bulk, "oob": True}, status=status
    )


def bulk_summary(outcome: BulkOutcome, sentences: list[Sentence]) -> dict[str, Any]:
    """The outcome for the list's notice; skipped sentences by the number a reviewer sees."""
    numbers = {sentence.id: sentence.index + 1 for sentence in sentences}
    skipped = [numbers[sentence_id] for sentence_id, _ in outcome.skipped]
    message = f"Confirmed {len(outcome.confirmed)} sentence(s)."
    if skipped:
        listed = ", ".join(f"#{n}" for n in skipped)
        message += f" Skipped {len(skipped)} changed meanwhile: {listed} — review them again."
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
