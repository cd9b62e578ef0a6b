"""The operations page for staff: projection lag per lane, readiness, and parked events.

It reads what /health/ready reads (`projections.health.observe`), so the page and the load
balancer never disagree about whether the service is ready. Retry and discard call the same
functions as `manage.py parked` and the admin actions, and report their outcome as a message.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from events.wiring import get_event_store
from projections.health import observe, readiness_report
from projections.models import ParkedEvent
from projections.parking import ParkedError, discard, retry_one
from projections.registry import UnknownProjection, get_projection

# The id of the section htmx refreshes: a poll names it in HX-Target, which tells the poll
# apart from a boosted form's redirect (also an htmx request) that wants the whole page.
LIVE_SECTION = "ops-live"
# Enough to act on; the CLI (`manage.py parked list`) and the admin list every one.
PARKED_SHOWN = 200

View = Callable[..., HttpResponse]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def staff_only(view: View) -> View:
    """Anonymous users are sent to log in; logged-in users who are not staff get 403."""

    @wraps(view)
    @login_required
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("The operations page is for staff.")
        return view(request, *args, **kwargs)

    return guarded


@dataclass(frozen=True)
class ParkedRow:
    event: ParkedEvent
    first_in_queue: bool  # only the first of an interview's queue can be retried
    queued: int  # parked events of its interview (or project), itself included

    @property
    def summary(self) -> str:
        if self.event.error:
            return self.event.error.splitlines()[0]
        return f"waits behind #{self.event.behind_id}"


@staff_only
@require_GET
def operations(request: HtmxHttpRequest) -> HttpResponse:
    seen = observe()
    context: dict[str, Any] = {
        "seen": seen,
        "report": readiness_report(seen),
        "now": timezone.now(),
        "live_section": LIVE_SECTION,
    }
    if request.htmx.target == LIVE_SECTION:
        return render(request, "web/_operations_live.html", context)
    rows, total = parked_rows()
    context.update(parked=rows, parked_total=total)
    return render(request, "web/operations.html", context)


@staff_only
@require_POST
def parked_retry(request: HttpRequest, parked_id: int) -> HttpResponse:
    parked = get_object_or_404(ParkedEvent, id=parked_id)
    try:
        projection = get_projection(parked.projection)
        outcome = retry_one(projection, get_event_store(), parked.id)
    except (ParkedError, UnknownProjection) as e:
        messages.warning(request, str(e))
        return _back()
    text = f"{parked.blocking_key}: applied {outcome.applied}, {outcome.remaining} still parked"
    if outcome.error:
        messages.error(request, f"{text}. It still fails: {outcome.error}")
    else:
        messages.success(request, text)
    return _back()


@staff_only
@require_POST
def parked_discard(request: HttpRequest, parked_id: int) -> HttpResponse:
    parked = get_object_or_404(ParkedEvent, id=parked_id)
    try:
        discard(get_projection(parked.projection), parked.id)
    except (ParkedError, UnknownProjection) as e:
        messages.warning(request, str(e))
    else:
        messages.success(
            request, f"Discarded #{parked.id} ({parked.event_type} of {parked.blocking_key})."
        )
    return _back()


def parked_rows() -> tuple[list[ParkedRow], int]:
    """The parked events (the first PARKED_SHOWN, by projection and position) and how many
    there are in all."""
    parked = ParkedEvent.objects.filter(state=ParkedEvent.State.PARKED)
    queues = Counter(
        {
            (row["projection"], row["blocking_key"]): row["count"]
            for row in parked.values("projection", "blocking_key").annotate(count=Count("id"))
        }
    )
    rows, seen = [], set()
    # In position order the first row of each queue is its head; a head discarded earlier
    # leaves `behind` pointing at it, so `behind` alone cannot tell.
    for event in parked.order_by("projection", "position")[:PARKED_SHOWN]:
        queue = (event.projection, event.blocking_key)
        rows.append(ParkedRow(event, queue not in seen, queues[queue]))
        seen.add(queue)
    return rows, sum(queues.values())


def _back() -> HttpResponse:
    # 303: the browser (or htmx, for a boosted form) GETs the page, a reload does not re-POST.
    return HttpResponseRedirect(reverse("operations"), status=303)


urlpatterns = [
    path("operations/", operations, name="operations"),
    path("operations/parked/<int:parked_id>/retry/", parked_retry, name="parked-retry"),
    path("operations/parked/<int:parked_id>/discard/", parked_discard, name="parked-discard"),
]
