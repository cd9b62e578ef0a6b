import pytest

from access.models import Membership, Role
from access.selectors import role_in
from access.services import AccessError, grant, revoke


def test_grant_makes_an_outsider_a_member(cast):
    membership = grant(username="outsider", project_slug="acme", role="reviewer")
    assert (membership.user, membership.project, membership.role) == (
        cast.outsider,
        cast.acme,
        Role.REVIEWER,
    )
    assert role_in(user=cast.outsider, project_id=cast.acme.id) == Role.REVIEWER


def test_grant_again_changes_the_role_without_a_second_row(cast):
    grant(username="viewer", project_slug="acme", role="admin")
    assert Membership.objects.filter(user=cast.viewer).count() == 1
    assert role_in(user=cast.viewer, project_id=cast.acme.id) == Role.ADMIN


def test_grant_can_lower_a_role(cast):
    grant(username="owner", project_slug="acme", role="viewer")
    assert role_in(user=cast.owner, project_id=cast.acme.id) == Role.VIEWER


@pytest.mark.parametrize(
    ("username", "slug", "role", "message"),
    [
        ("nobody", "acme", "viewer", "no user named 'nobody'"),
        ("viewer", "nowhere", "viewer", "no project with slug 'nowhere'"),
        ("viewer", "acme", "god", "unknown role 'god': choose one of viewer, reviewer, admin"),
        ("viewer", "acme", "Admin", "unknown role 'Admin'"),
    ],
)
def test_grant_refuses_unknown_names_and_changes_nothing(cast, username, slug, role, message):
    with pytest.raises(AccessError, match=message):
        grant(username=username, project_slug=slug, role=role)
    assert role_in(user=cast.viewer, project_id=cast.acme.id) == Role.VIEWER
    assert Membership.objects.count() == 4


def test_access_error_is_a_value_error():
    assert issubclass(AccessError, ValueError)


def test_revoke_ends_a_membership(cast):
    assert revoke(username="reviewer", project_slug="acme") is True
    assert role_in(user=cast.reviewer, project_id=cast.acme.id) is None


def test_revoke_of_a_non_member_says_nothing_was_removed(cast):
    assert revoke(username="outsider", project_slug="acme") is False
    assert Membership.objects.count() == 4


def test_revoke_only_touches_the_named_project(cast):
    grant(username="reviewer", project_slug="globex", role="viewer")
    revoke(username="reviewer", project_slug="globex")
    assert role_in(user=cast.reviewer, project_id=cast.acme.id) == Role.REVIEWER


@pytest.mark.parametrize(
    ("username", "slug", "message"),
    [("nobody", "acme", "no user named 'nobody'"), ("viewer", "nowhere", "no project")],
)
def test_revoke_refuses_unknown_names(cast, username, slug, message):
    with pytest.raises(AccessError, match=message):
        revoke(username=username, project_slug=slug)
    assert Membership.objects.count() == 4


def test_deleting_a_user_deletes_their_memberships(cast):
    cast.viewer.delete()
    assert not Membership.objects.filter(user_id=cast.viewer.pk).exists()
    assert Membership.objects.count() == 3
