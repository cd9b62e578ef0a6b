"""Access checks for views: `require` a role in a project or raise why not.

The two refusals differ on purpose. A non-member is told the project does not exist (the API
answers 404), so project ids cannot be probed; a member whose role is too low already knows the
project and is told so (403).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from access.models import Role
from access.selectors import AnyUser, role_in

__all__ = ["AccessDenied", "Forbidden", "NotAMember", "ProjectAccess", "Role", "require"]


class AccessDenied(Exception):
    """The user may not do this in this project."""


# Also Django's own 404 and 403 exceptions, so a page view that calls `require` answers them
# with no translation of its own; the API's error handler maps them first (api.errors).
class NotAMember(AccessDenied, Http404):
    """The user holds no role in the project (or the project does not exist): answer 404."""


class Forbidden(AccessDenied, PermissionDenied):
    """The user is a member, but their role is lower than the one needed: answer 403."""


def require(*, user: AnyUser | None, project_id: UUID, role: Role) -> Role:
    """The user's role in the project, if it is at least `role`; otherwise raise."""
    held = role_in(user=user, project_id=project_id)
    if held is None:
        raise NotAMember("Not found.")
    if not held.allows(role):
        raise Forbidden(f"This needs the {Role(role).label.lower()} role in the project.")
    return held


class ProjectAccess(BasePermission):
    """DRF permission for views under `<project_id>`: needs `view.required_role` (default
    viewer). It raises instead of returning False, so the API's error handler answers 404 or
    403 as `require` decides, and no view can forget the distinction."""

    def has_permission(self, request: Request, view: Any) -> bool:
        project_id = view.kwargs.get("project_id")
        if project_id is None:
            return True
        role = getattr(view, "required_role", Role.VIEWER)
        require(user=request.user, project_id=project_id, role=role)
        return True
