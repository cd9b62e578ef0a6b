"""Every error answered under /api/ is problem+json, whoever made it.

DRF views answer their errors as problems (`api.errors`). The rest come from Django: an unknown
route or a malformed id in a path (404), a body over DATA_UPLOAD_MAX_MEMORY_SIZE or a Host not
in ALLOWED_HOSTS (400 from Django's handlers), a CSRF refusal (403), an unhandled exception
(500). Those were HTML pages. Two pieces make them problems:

- the error handlers (`handler400` ... `handler500` in interview_analyzer/urls.py) answer a
  problem for an API path and Django's own page elsewhere; they run for errors raised anywhere,
  also in a middleware outside this one;
- `ProblemMiddleware` turns any other error response under /api/ into a problem of the same
  status (keeping Allow, WWW-Authenticate and Retry-After), and renders as JSON a problem that
  DRF's content negotiation gave to another renderer (the browsable API for `Accept:
  text/html`).

A 500's problem says nothing of the error: the traceback is logged by Django (django.request),
never sent.
"""

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse
from django.views import defaults
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.problems import API_ROOT, PROBLEM, problem_response
from ingestion.upload import describe_size

# What a problem made here says, by status; other statuses say their reason phrase.
DETAILS = {
    HTTPStatus.BAD_REQUEST: "The request is malformed.",
    HTTPStatus.FORBIDDEN: "The request is not allowed.",
    HTTPStatus.NOT_FOUND: "No resource of this API has this URL (ids in paths are UUIDs).",
    HTTPStatus.METHOD_NOT_ALLOWED: "The method is not allowed on this URL (see Allow).",
    HTTPStatus.INTERNAL_SERVER_ERROR: "An unexpected error occurred; it has been logged.",
}
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_ROOT)


def too_large_detail(request: HttpRequest, limit: int | None) -> str:
    """The 413's words for a body over Django's in-memory limit, in the units every 413 uses."""
    announced = request.META.get("CONTENT_LENGTH") or ""
    size = f" is {describe_size(int(announced))}" if announced.isdigit() else ""
    bound = "the limit" if limit is None else f"the limit of {describe_size(limit)}"
    return f"The request body{size}, over {bound} (DATA_UPLOAD_MAX_MEMORY_SIZE)."


def refused_request(request: HttpRequest, error: Exception) -> tuple[int, str] | None:
    """(status, detail) for Django's refusals of a request (SuspiciousOperation), or None for
    another error. For handler400, and for the API's exception handler: a body over the limit
    is met inside a view, when DRF reads it."""
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, too_large_detail(request, limit)
    if isinstance(error, TooManyFieldsSent):
        return (
            HTTPStatus.BAD_REQUEST,
            "The request has too many fields (DATA_UPLOAD_MAX_NUMBER_FIELDS).",
        )
    if isinstance(error, TooManyFilesSent):
        return (
            HTTPStatus.BAD_REQUEST,
            "The request has too many files (DATA_UPLOAD_MAX_NUMBER_FILES).",
        )
    if isinstance(error, DisallowedHost):
        return HTTPStatus.BAD_REQUEST, "The Host header names no host this server answers for."
    if isinstance(error, SuspiciousOperation):
        return HTTPStatus.BAD_REQUEST, DETAILS[HTTPStatus.BAD_REQUEST]
    return None


def _generic(status_code: int) -> HttpResponse:
    return problem_response(status_code, DETAILS.get(status_code, HTTPStatus(status_code).phrase))


# Django's error handlers (interview_analyzer/urls.py): a problem under /api/, the page elsewhere.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    refused = refused_request(request, exception) or (HTTPStatus.BAD_REQUEST, DETAILS[400])
    return problem_response(*refused)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return _generic(HTTPStatus.FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _generic(HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return _generic(HTTPStatus.INTERNAL_SERVER_ERROR)


class ProblemMiddleware:
    """Right inside SecurityMiddleware (so its headers go on every answer): see the module."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request):
            return response
        if response.get("Content-Type", "").startswith(PROBLEM):
            return _as_json(response)
        problem = _generic(response.status_code)
        for header in _KEPT_HEADERS:
            if header in response:
                problem[header] = response[header]
        return problem


def _as_json(response: HttpResponse) -> HttpResponse:
    """A DRF problem rendered by a renderer other than JSON (content negotiation picked the
    browsable API's HTML) rendered again as JSON; any other problem as it is."""
    renderer = getattr(response, "accepted_renderer", None)
    if not isinstance(response, Response) or renderer is None or renderer.format == "json":
        return response
    json_renderer = next(
        (r for r in api_settings.DEFAULT_RENDERER_CLASSES if r.format == "json"), None
    )
    if json_renderer is not None:
        response.content = json_renderer().render(response.data)
        response["Content-Type"] = PROBLEM
    return response
