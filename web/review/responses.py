"""How the page answers a read or a write of one row: the row for htmx to swap in (or alone on a
page without JavaScript), after a bounded wait for the write to be projected."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from commands.results import CommandResult
from projections.waiting import wait_for_position
from readmodel.models import Interview, Sentence
from web.review.display import Row

WAIT_LIMIT = 5.0  # seconds a write waits for its row to be projected (tests set it to 0)


def wait_for_projection(position: int, interview_id: UUID) -> None:
    """Read-your-writes, bounded: a row that is still behind after WAIT_LIMIT polls instead."""
    wait_for_position(position, interview_id=interview_id, timeout=WAIT_LIMIT)


def written(request: HttpRequest, sentence: Sentence, result: CommandResult) -> HttpResponse:
    """Read-your-writes: wait (bounded) for the projection, then show the row as it is now."""
    wait_for_projection(result.position, sentence.interview_id)
    sentence.refresh_from_db()
    if not request.htmx:
        return redirect(review_url(sentence))
    pending = result.version if sentence.version < result.version else None
    return row_response(request, Row(sentence, pending=pending), summary=True)


def row_response(
    request: HttpRequest, row: Row, status: int = 200, *, summary: bool = False
) -> HttpResponse:
    """The row for htmx to swap in; without JavaScript, the row alone on a page."""
    interview = Interview.objects.filter(id=row.sentence.interview_id).first()
    # The view checked the role already; an archived interview offers no correction.
    context = {"row": row, "can_edit": interview is not None and interview.status != "archived"}
    if not request.htmx:
        context["interview"] = interview
        return render(request, "web/review/row_page.html", context, status=status)
    if summary:  # a write changed the interview's counters: swap them too (out of band)
        context["interview"] = interview
        context["oob"] = True
    return render(request, "web/review/_row_response.html", context, status=status)


def review_url(sentence: Sentence) -> str:
    return f"{reverse('review', args=[sentence.interview_id])}#s-{sentence.id}"
