"""Reading the read model: the one place access is checked for a row by id, and the bounded
wait for a position that gives a client read-your-writes (SPEC 7)."""

from typing import TypeVar
from uuid import UUID

from django.db.models import Model
from django.http import Http404, QueryDict
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from access.permissions import Role, require
from projections.waiting import wait_for_position

WAIT_LIMIT = 5.0  # seconds a read waits for its position before answering what it has
WAIT_FOR = OpenApiParameter(
    "wait_for",
    int,
    description="a position from a write's answer: first wait (at most 5 s) until the read"
    " model shows it, then answer",
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


def is_position(raw: str) -> bool:
    """Whether `raw` is a global position: ASCII digits only. `str.isdigit` alone also accepts
    "²" and other digits `int` refuses, which made `?wait_for=²` a 500."""
    return raw.isascii() and raw.isdigit()


def wait_if_asked(
    request: Request, *, interview_id: UUID | None = None, project_id: UUID | None = None
) -> None:
    """Honour `?wait_for=<position>`: wait, bounded, for the lane of the interview (or project)
    read — or for every lane when the read spans interviews. After the limit the read answers
    what the read model has: a slow projection delays a client, it does not fail it."""
    raw = request.query_params.get("wait_for")
    if raw is None:
        return
    if not is_position(raw):
        raise serializers.ValidationError({"wait_for": ["must be a non-negative integer"]})
    wait_for_position(
        int(raw), interview_id=interview_id, project_id=project_id, timeout=WAIT_LIMIT
    )


def text_param(params: QueryDict, name: str) -> str | None:
    """A text query parameter. NUL is refused here, with the field named: PostgreSQL refuses it
    in any text parameter, and that DataError was a 500."""
    value = params.get(name)
    if value and "\x00" in value:
        raise serializers.ValidationError({name: ["must not contain NUL characters"]})
    return value
