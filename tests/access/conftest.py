"""The cast every access test shares: one project, its members, and people outside it."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from access.services import grant
from commands.aggregates import project_id_for_slug
from readmodel.models import Project


def a_project(slug: str) -> Project:
    """A read-model row as the projector would write it (tests have no projection running)."""
    return Project.objects.create(
        id=project_id_for_slug(slug),
        name=slug.title(),
        slug=slug,
        domain_keywords=[],
        created_at=timezone.now(),
        version=0,
    )


@dataclass
class Cast:
    acme: Project
    globex: Project
    owner: User  # admin of acme
    reviewer: User
    viewer: User
    outsider: User  # a user with no membership at all
    root: User  # a superuser with no membership
    retired: User  # was admin of acme, then deactivated
    anonymous: AnonymousUser


@pytest.fixture
def cast(db) -> Cast:
    acme, globex = a_project("acme"), a_project("globex")
    users = {
        name: User.objects.create_user(name)  # no password: hashing is slow
        for name in ("owner", "reviewer", "viewer", "outsider", "retired")
    }
    for name, role in [("owner", "admin"), ("reviewer", "reviewer"), ("viewer", "viewer")]:
        grant(username=name, project_slug="acme", role=role)
    grant(username="retired", project_slug="acme", role="admin")
    users["retired"].is_active = False
    users["retired"].save()
    root = User.objects.create_superuser("root", password=None)
    return Cast(acme=acme, globex=globex, root=root, anonymous=AnonymousUser(), **users)
