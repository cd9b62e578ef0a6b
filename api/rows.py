"""Reading the read model: the one place access is checked for a row by id, and the bounded
wait for a position that gives a client read-your-writes (docs/architecture.md, Projections)."""

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from access.permissions import Role, require
from projections.waiting import wait_for_position
from readmodel.selectors import MAX_POSITION, is_position

REACHED = "X-Wait-For-Reached"  # "true" or "false": whether the read shows `wait_for`
WAIT_FOR = OpenApiParameter(
    "wait_for",
    {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
    description="a position from a write's answer: first wait (at most READ_WAIT_SECONDS, 2 s"
    " by default) until the read model shows it, then answer. The answer's X-Wait-For-Reached"
    " header says whether it does; when it is false the answer also has Retry-After.",
)

M = TypeVar("M", bound=Model)


def visible_row(model: type[M], row_id: UUID, request: Request, role: Role) -> M:
    """The row if the user has `role` in its project; 404 for a missing row and a non-member
    alike (a project's content must not reveal that it exists), 403 for a lower role."""
    row = model.objects.filter(id=row_id).first()
    if row is None:
        raise Http404
    require(user=request.user, project_id=row.project_id, role=role)
    return row


def wait_if_asked(
    request: Request, *, interview_id: UUID | None = None, project_id: UUID | None = None
) -> None:
    """Honour `?wait_for=<position>`: wait, bounded, for the lane of the interview (or project)
    read — or for every lane when the read spans interviews. After the limit (or at once when
    too many requests wait already) the read answers what the read model has, marked as behind
    (WaitForHeadersMiddleware): a slow projection delays a client, it does not fail it, and it
    ties up no more than READ_WAIT_CONCURRENCY threads."""
    raw = request.query_params.get("wait_for")
    if raw is None:
        return
    if not is_position(raw):
        raise serializers.ValidationError(
            {"wait_for": [f"must be an integer from 0 to {MAX_POSITION}"]}
        )
    request._request.wait_for_reached = wait_for_position(
        int(raw),
        interview_id=interview_id,
        project_id=project_id,
        timeout=settings.READ_WAIT_SECONDS,
    )


class WaitForHeadersMiddleware:
    """Says on a read's answer whether its `?wait_for=` position was reached; when not, adds
    Retry-After so the client knows to read again shortly rather than wait on the server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        reached = getattr(request, "wait_for_reached", None)
        if reached is not None and response.status_code < 400:
            response[REACHED] = "true" if reached else "false"
            if not reached:
                response["Retry-After"] = "1"
        return response


def text_param(params: QueryDict, name: str) -> str | None:
    """A text query parameter. NUL is refused here, with the field named: PostgreSQL refuses it
    in any text parameter, and that DataError was a 500."""
    value = params.get(name)
    if value and "\x00" in value:
        raise serializers.ValidationError({name: ["must not contain NUL characters"]})
    return value
