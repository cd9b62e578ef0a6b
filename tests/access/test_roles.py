import pytest

from access.models import Role


@pytest.mark.parametrize(
    ("held", "needed", "allowed"),
    [
        (Role.VIEWER, Role.VIEWER, True),
        (Role.VIEWER, Role.REVIEWER, False),
        (Role.VIEWER, Role.ADMIN, False),
        (Role.REVIEWER, Role.VIEWER, True),
        (Role.REVIEWER, Role.REVIEWER, True),
        (Role.REVIEWER, Role.ADMIN, False),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.ADMIN, Role.REVIEWER, True),
        (Role.ADMIN, Role.ADMIN, True),
    ],
)
def test_a_role_allows_itself_and_every_lower_role(held, needed, allowed):
    assert held.allows(needed) is allowed


def test_roles_rank_viewer_below_reviewer_below_admin():
    assert [r.rank for r in (Role.VIEWER, Role.REVIEWER, Role.ADMIN)] == [0, 1, 2]


def test_allows_takes_a_plain_string_too():
    assert Role.REVIEWER.allows("viewer")
    assert not Role.REVIEWER.allows("admin")
