"""Finding a read-model row a user may see: the one place access is checked for a row by id."""

from typing import TypeVar
from uuid import UUID

from django.db.models import Model
from django.http import Http404
from rest_framework.request import Request

from access.permissions import Role, require

M = TypeVar("M", bound=Model)


def visible_row(model: type[M], row_id: UUID, request: Request, role: Role) -> M:
    """The row if the user has `role` in its project; 404 for a missing row and a non-member
    alike (a project's content must not reveal that it exists), 403 for a lower role."""
    row = model.objects.filter(id=row_id).first()
    if row is None:
        raise Http404
    require(user=request.user, project_id=row.project_id, role=role)
    return row
