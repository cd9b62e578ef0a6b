"""The Django database not answering is an outage, not a bug: 503 with Retry-After, never a 500.

A stopped or restarting PostgreSQL (or a locked SQLite file) makes the driver raise
`OperationalError` — or `InterfaceError` when Django reuses a connection the server closed —
wherever the request first touches the database: the API's token check, a page's session, a
read-model query (which errors count: `common.outage`). The REST API answers those in its
exception handler (`api.errors`) as problems; `DatabaseOutageMiddleware` answers the rest:
a view's outage (the pages) through `process_exception`, and one raised by another middleware
(a session saved on the way out) by replacing the 500 Django made of it, which
`got_request_exception` tells it about.

Nothing here touches the database: the 503 page is rendered without the request's context
(no user, no messages — both would read the session).
"""

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from api.problems import API_ROOT, problem_response
from common.outage import DATABASE_OUTAGES, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

log = logging.getLogger(__name__)

_OUTAGE_SEEN = "_database_outage"  # set on a request whose unhandled error was an outage


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 for `request`: a problem for the API, the outage page for everything else."""
    if request.path.startswith(API_ROOT):
        response: HttpResponse = problem_response(
            503, DATABASE_UNAVAILABLE, title="Service unavailable"
        )
    else:
        page = render_to_string(
            "web/503.html", {"message": DATABASE_UNAVAILABLE, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    """Outside every middleware that may touch the database (only SecurityMiddleware comes
    first, so its headers go on the 503 too): its 503 replaces the 500 an inner layer made of
    an outage."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Connected here, not at import: only a process that serves requests listens.
        got_request_exception.connect(_remember_outage, dispatch_uid=__name__)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _OUTAGE_SEEN, False):
            return outage_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_OUTAGES):
            return None
        log.warning("%s %s: database unavailable: %s", request.method, request.path, exception)
        return outage_response(request)


def _remember_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django sends this while it handles the error that becomes a 500; a middleware's error
    never reaches `process_exception`, so the request is marked for `__call__` to see."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_OUTAGES):
        setattr(request, _OUTAGE_SEEN, True)
