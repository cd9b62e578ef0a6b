"""The problem details body (RFC 9457) outside DRF: for Django's error handlers and middleware.

`api.errors.problem` writes the same body inside DRF views; this module needs nothing of DRF,
so the outage middleware and the error handlers can answer before any view runs.
"""

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse

PROBLEM = "application/problem+json"
# Everything under it is the API (the schema, the docs, /api/v1/ and unknown paths alike).
API_ROOT = "/api/"


def title_of(status_code: int) -> str:
    """The status's reason phrase ("Not Found"), the title of a problem of that status."""
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def problem_body(status_code: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail}
    body.update(extra)
    return body


def problem_response(
    status_code: int, detail: str, *, title: str | None = None, **extra: Any
) -> JsonResponse:
    """A problem as a plain Django response (a DRF Response renders only inside a DRF view)."""
    body = problem_body(status_code, title or title_of(status_code), detail, **extra)
    return JsonResponse(body, status=status_code, content_type=PROBLEM)
