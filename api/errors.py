"""One error format for the whole API: problem details (RFC 9457) with field errors.

Every failure — a DRF validation error, a domain error from a command, an access refusal, an
outage — is answered as `application/problem+json`:
`{"type", "title", "status", "detail", "errors"?: {field: [message, ...]}}`. An outage (the
database, the event store, a projection or the graph not answering) is a 503 with Retry-After.
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from access.permissions import Forbidden, NotAMember
from api.middleware import refused_request
from api.problems import PROBLEM, problem_body, title_of
from commands.errors import AlreadyExists, InvalidCommand, StaleVersion
from commands.errors import NotFound as AggregateNotFound
from common.outage import DATABASE_OUTAGES, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from events.store import EventStoreUnavailable
from graph.connection import GraphUnavailable
from projections.port import ProjectionUnavailable

log = logging.getLogger(__name__)
EVENT_STORE_UNAVAILABLE = "The event store is unavailable; try again shortly."

# Domain and infrastructure errors, each as (status, title).
DOMAIN: list[tuple[type[Exception], int, str]] = [
    (NotAMember, status.HTTP_404_NOT_FOUND, "Not found"),  # do not reveal the project exists
    (AggregateNotFound, status.HTTP_404_NOT_FOUND, "Not found"),
    (Forbidden, status.HTTP_403_FORBIDDEN, "Forbidden"),
    (StaleVersion, status.HTTP_412_PRECONDITION_FAILED, "Precondition failed"),
    (AlreadyExists, status.HTTP_409_CONFLICT, "Conflict"),
    (InvalidCommand, status.HTTP_400_BAD_REQUEST, "Invalid request"),
    (ProjectionUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE, "Service unavailable"),
    (GraphUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE, "Service unavailable"),
]


class Problem(serializers.Serializer):
    """The body of every error, as `problem` writes it (for the OpenAPI schema)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


def problem_responses(described: dict[int, str]) -> dict[tuple[int, str], OpenApiResponse]:
    """Schema responses `{(status, problem+json): Problem}` for `extend_schema(responses=...)`,
    one per status with what it means on that endpoint."""
    return {
        (code, PROBLEM): OpenApiResponse(Problem, description=description)
        for code, description in described.items()
    }


def problem(status_code: int, title: str, detail: str, **extra: Any) -> Response:
    body = problem_body(status_code, title, detail, **extra)
    return Response(body, status=status_code, content_type=PROBLEM)


def handle_exception(error: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every known error becomes a problem; others stay 500s."""
    if isinstance(error, DATABASE_OUTAGES):
        # The driver's message names hosts and ports: for the log, not for the client.
        log.warning("database unavailable: %s", error)
        unavailable = status.HTTP_503_SERVICE_UNAVAILABLE
        return _retry_later(problem(unavailable, "Service unavailable", DATABASE_UNAVAILABLE))
    if isinstance(error, EventStoreUnavailable):
        # As above: the backend's message (a host, a port) goes to the log.
        log.warning("event store unavailable: %s", error)
        unavailable = status.HTTP_503_SERVICE_UNAVAILABLE
        return _retry_later(problem(unavailable, "Service unavailable", EVENT_STORE_UNAVAILABLE))
    if refused := refused_request(context["request"], error):
        # Django's refusal of what the client sent (a body over the size limit, too many
        # fields), met when DRF reads the body: the client's error, not a 500.
        log.warning("request refused: %s", error)
        return problem(refused[0], title_of(refused[0]), refused[1])
    for kind, status_code, title in DOMAIN:
        if isinstance(error, kind):
            return _retry_later(problem(status_code, title, str(error)))
    if isinstance(error, Http404 | ObjectDoesNotExist):
        # A row a view looked up is not there: a superuser passes every access check (admin
        # everywhere), so `Project.objects.get` of an unknown id is where they meet the 404.
        error = exceptions.NotFound()
    response = exception_handler(error, context)
    if response is None:
        return None
    detail, errors = _split(response.data)
    extra = {"errors": errors} if errors else {}
    answer = problem(response.status_code, title_of(response.status_code), detail, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer


def _retry_later(answer: Response) -> Response:
    """A 503 says when to try again: an outage passes (the projection runner waits it out)."""
    if answer.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def _split(data: Any) -> tuple[str, dict[str, list[str]]]:
    """DRF's error data as (a sentence, {field: [messages]})."""
    if isinstance(data, dict) and set(data) == {"detail"}:
        return str(data["detail"]), {}
    if isinstance(data, dict):
        errors = {str(field): _messages(value) for field, value in data.items()}
        return "The request has invalid fields.", errors
    return "; ".join(_messages(data)), {}


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return [str(value)]
