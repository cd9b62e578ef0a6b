"""Reads about access: a user's role in a project, the projects a user may see."""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from access.models import Membership, Role
from readmodel.models import Project

AnyUser = AbstractBaseUser | AnonymousUser


def _counts(user: AnyUser | None) -> bool:
    """Anonymous and deactivated users hold no role anywhere, whatever rows remain for them:
    deactivating a user must cut access at once, without revoking each membership."""
    return user is not None and user.is_authenticated and user.is_active


def role_in(*, user: AnyUser | None, project_id: UUID) -> Role | None:
    """The user's role in the project; superusers are admins everywhere; None: no access."""
    if not _counts(user):
        return None
    if user.is_superuser:
        return Role.ADMIN
    role = (
        Membership.objects.filter(user_id=user.pk, project_id=project_id)
        .values_list("role", flat=True)
        .first()
    )
    return None if role is None else Role(role)


def visible_project_ids(*, user: AnyUser | None) -> set[UUID]:
    """The ids of the projects the user may see (every projected one, for superusers)."""
    if not _counts(user):
        return set()
    if user.is_superuser:
        return set(Project.objects.values_list("id", flat=True))
    return set(Membership.objects.filter(user_id=user.pk).values_list("project_id", flat=True))


def membership_role(*, username: str, project_slug: str) -> Role | None:
    """The role the membership row gives (None: no row), ignoring superuser and active flags,
    so that the `grant` command can say what a change changed."""
    role = (
        Membership.objects.filter(user__username=username, project__slug=project_slug)
        .values_list("role", flat=True)
        .first()
    )
    return None if role is None else Role(role)
