import uuid
from types import SimpleNamespace

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from access.models import Role
from access.permissions import AccessDenied, Forbidden, NotAMember, ProjectAccess, require

ALLOWED, NOT_A_MEMBER, FORBIDDEN = "allowed", NotAMember, Forbidden

# Who asks, and what each needed role (viewer, reviewer, admin) gives them in acme.
MATRIX = {
    "viewer": (ALLOWED, FORBIDDEN, FORBIDDEN),
    "reviewer": (ALLOWED, ALLOWED, FORBIDDEN),
    "owner": (ALLOWED, ALLOWED, ALLOWED),
    "root": (ALLOWED, ALLOWED, ALLOWED),
    "outsider": (NOT_A_MEMBER, NOT_A_MEMBER, NOT_A_MEMBER),
    "anonymous": (NOT_A_MEMBER, NOT_A_MEMBER, NOT_A_MEMBER),
    "retired": (NOT_A_MEMBER, NOT_A_MEMBER, NOT_A_MEMBER),
}
CASES = [
    (who, needed, outcome)
    for who, outcomes in MATRIX.items()
    for needed, outcome in zip(Role, outcomes, strict=True)
]
HELD = {"viewer": Role.VIEWER, "reviewer": Role.REVIEWER, "owner": Role.ADMIN, "root": Role.ADMIN}


@pytest.mark.parametrize(("who", "needed", "outcome"), CASES)
def test_require_follows_the_role_matrix(cast, who, needed, outcome):
    user = getattr(cast, who)
    if outcome == ALLOWED:
        assert require(user=user, project_id=cast.acme.id, role=needed) == HELD[who]
    else:
        with pytest.raises(outcome):
            require(user=user, project_id=cast.acme.id, role=needed)


def test_both_refusals_are_access_denied():
    assert issubclass(NotAMember, AccessDenied)
    assert issubclass(Forbidden, AccessDenied)
    assert not issubclass(NotAMember, Forbidden)


def test_a_member_of_one_project_is_not_a_member_of_another(cast):
    with pytest.raises(NotAMember):
        require(user=cast.owner, project_id=cast.globex.id, role=Role.VIEWER)


def test_a_project_that_does_not_exist_looks_like_one_you_are_not_in(cast):
    with pytest.raises(NotAMember) as refused:
        require(user=cast.owner, project_id=uuid.uuid4(), role=Role.VIEWER)
    assert str(refused.value) == "Not found."


def test_a_superuser_is_admin_of_a_project_without_any_membership(cast):
    assert require(user=cast.root, project_id=cast.globex.id, role=Role.ADMIN) == Role.ADMIN


def test_forbidden_names_the_role_that_is_needed(cast):
    with pytest.raises(Forbidden, match="reviewer role"):
        require(user=cast.viewer, project_id=cast.acme.id, role=Role.REVIEWER)


def _check(user, project_id, required_role=None):
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=user)
    view = SimpleNamespace(kwargs={} if project_id is None else {"project_id": project_id})
    if required_role is not None:
        view.required_role = required_role
    return ProjectAccess().has_permission(Request(request), view)


def test_project_access_lets_a_viewer_read_by_default(cast):
    assert _check(cast.viewer, cast.acme.id) is True


def test_project_access_asks_for_the_views_required_role(cast):
    with pytest.raises(Forbidden):
        _check(cast.viewer, cast.acme.id, required_role=Role.REVIEWER)
    assert _check(cast.reviewer, cast.acme.id, required_role=Role.REVIEWER) is True


def test_project_access_hides_the_project_from_outsiders(cast):
    with pytest.raises(NotAMember):
        _check(cast.outsider, cast.acme.id)


def test_project_access_leaves_views_without_a_project_alone(cast):
    assert _check(cast.outsider, None) is True
