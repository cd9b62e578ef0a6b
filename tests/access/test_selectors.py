import pytest

from access.models import Role
from access.selectors import membership_role, role_in, visible_project_ids
from access.services import grant
from tests.access.conftest import a_project


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("owner", Role.ADMIN),
        ("reviewer", Role.REVIEWER),
        ("viewer", Role.VIEWER),
        ("root", Role.ADMIN),
        ("outsider", None),
        ("anonymous", None),
        ("retired", None),
    ],
)
def test_role_in_tells_each_persons_role_in_acme(cast, who, role):
    assert role_in(user=getattr(cast, who), project_id=cast.acme.id) == role


def test_role_in_is_none_without_a_user(cast):
    assert role_in(user=None, project_id=cast.acme.id) is None


def test_a_member_sees_only_the_projects_they_belong_to(cast):
    assert visible_project_ids(user=cast.viewer) == {cast.acme.id}
    grant(username="viewer", project_slug="globex", role="viewer")
    assert visible_project_ids(user=cast.viewer) == {cast.acme.id, cast.globex.id}


def test_a_superuser_sees_every_project_including_new_ones(cast):
    later = a_project("initech")
    assert visible_project_ids(user=cast.root) == {cast.acme.id, cast.globex.id, later.id}


@pytest.mark.parametrize("who", ["outsider", "anonymous", "retired"])
def test_outsiders_anonymous_and_deactivated_users_see_nothing(cast, who):
    assert visible_project_ids(user=getattr(cast, who)) == set()


def test_membership_role_reads_the_row_even_for_a_deactivated_user(cast):
    assert membership_role(username="retired", project_slug="acme") == Role.ADMIN
    assert membership_role(username="root", project_slug="acme") is None
