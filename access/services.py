"""Writes about access: grant and revoke memberships.

These write ORM rows directly (unlike everything about interviews, which goes command → events):
a membership is configuration of who may send commands, not a fact the event log must keep.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from access.models import Membership, Role
from readmodel.models import Project


class AccessError(ValueError):
    """A grant or revoke that names something that does not exist; the message says what."""


def require_text(what: str, value: str) -> str:
    """`value`, if it is text the database can hold and look up; else AccessError.

    A byte that is not UTF-8 on the command line reaches Python as a lone surrogate (PEP 383),
    which no database driver can encode (a crash, not a refusal); NUL is refused by PostgreSQL.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise AccessError(
            f"the {what} is not valid text (it holds a byte that is not UTF-8)"
        ) from None
    if "\x00" in value:
        raise AccessError(f"the {what} is not valid text (it holds a NUL character)")
    return value


def _user(username: str) -> AbstractBaseUser:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise AccessError(f"no user named {username!r}") from None


def find_project(slug: str) -> Project:
    try:
        return Project.objects.get(slug=slug)
    except Project.DoesNotExist:
        raise AccessError(f"no project with slug {slug!r}") from None


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(Role.values)
        raise AccessError(f"unknown role {role!r}: choose one of {choices}") from None


@transaction.atomic
def grant(*, username: str, project_slug: str, role: str) -> Membership:
    """Make the user a member of the project with this role, or change the role they have."""
    wanted = parse_role(role)
    membership, _ = Membership.objects.update_or_create(
        user=_user(username), project=find_project(project_slug), defaults={"role": wanted}
    )
    return membership


def revoke(*, username: str, project_slug: str) -> bool:
    """End the user's membership of the project; False if there was none to end."""
    deleted, _ = Membership.objects.filter(
        user=_user(username), project=find_project(project_slug)
    ).delete()
    return deleted > 0
