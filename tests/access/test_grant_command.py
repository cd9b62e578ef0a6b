from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from access.models import Role
from access.selectors import role_in


def grant_command(*args: str) -> str:
    out = StringIO()
    call_command("grant", *args, stdout=out)
    return out.getvalue().strip()


def test_it_makes_a_new_member(cast):
    assert grant_command("outsider", "acme", "viewer") == "outsider is now viewer of acme"
    assert role_in(user=cast.outsider, project_id=cast.acme.id) == Role.VIEWER


def test_it_says_what_the_role_was_when_it_changes(cast):
    assert grant_command("viewer", "acme", "admin") == "viewer is now admin of acme (was viewer)"
    assert role_in(user=cast.viewer, project_id=cast.acme.id) == Role.ADMIN


def test_it_says_when_nothing_changed(cast):
    out = grant_command("reviewer", "acme", "reviewer")
    assert out == "reviewer was already reviewer of acme: nothing changed"


def test_it_revokes(cast):
    assert grant_command("viewer", "acme", "--revoke") == "viewer is no longer a member of acme"
    assert role_in(user=cast.viewer, project_id=cast.acme.id) is None


def test_it_says_when_there_was_nothing_to_revoke(cast):
    out = grant_command("outsider", "acme", "--revoke")
    assert out == "outsider was not a member of acme: nothing changed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "acme", "viewer"), "no user named 'nobody'"),
        (("viewer", "nowhere", "viewer"), "no project with slug 'nowhere'"),
        (("viewer", "acme", "god"), "unknown role 'god'"),
        (("nobody", "acme", "--revoke"), "no user named 'nobody'"),
        (("viewer", "nowhere", "--revoke"), "no project with slug 'nowhere'"),
        (("viewer", "acme"), "give a ROLE, or --revoke"),
    ],
)
def test_it_fails_with_the_reason(cast, args, message):
    with pytest.raises(CommandError, match=message):
        grant_command(*args)
    assert role_in(user=cast.viewer, project_id=cast.acme.id) == Role.VIEWER


@pytest.mark.parametrize("bad", ["vi\udcffewer", "vi\x00ewer"])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_it_refuses_names_that_are_not_text(cast, bad, position):
    """An undecodable byte on the command line arrives as a lone surrogate (PEP 383)."""
    args = ["viewer", "acme", "viewer"]
    args[position] = bad
    with pytest.raises(CommandError, match="is not valid text"):
        grant_command(*args)
    assert role_in(user=cast.viewer, project_id=cast.acme.id) == Role.VIEWER
