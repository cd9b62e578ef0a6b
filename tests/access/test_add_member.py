"""Adding a person: a user and their membership together, or nothing."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from access.members import MemberRefused, NewMember, add_member
from access.models import Membership, Role
from access.selectors import role_in

GOOD_PASSWORD = "tangerine-orbit-42"


def adduser(*args: str, stdin: str = "") -> str:
    out = StringIO()
    old, sys.stdin = sys.stdin, StringIO(stdin)
    try:
        call_command("adduser", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def nothing_written(before_users: int, before_memberships: int) -> bool:
    return (User.objects.count(), Membership.objects.count()) == (
        before_users,
        before_memberships,
    )


def test_adduser_with_a_password_makes_a_member_who_can_log_in(cast):
    out = adduser(
        "ada", "--project", "acme", "--role", "reviewer", "--email", "ada@example.org",
        "--password-stdin", stdin=GOOD_PASSWORD + "\n",
    )  # fmt: skip
    assert out.strip() == "ada is now reviewer of acme"
    ada = authenticate(username="ada", password=GOOD_PASSWORD)
    assert ada is not None
    assert ada.email == "ada@example.org"
    assert role_in(user=ada, project_id=cast.acme.id) == Role.REVIEWER


def test_adduser_with_an_invitation_prints_a_link_and_sets_no_password(cast, client):
    out = adduser("bea", "--project", "acme", "--role", "viewer", "--invite")
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/invitation/\S+/)", out)
    assert link, out
    bea = User.objects.get(username="bea")
    assert not bea.has_usable_password()
    assert role_in(user=bea, project_id=cast.acme.id) == Role.VIEWER

    # The link opens the set-password page in the product's look ...
    page = client.get(link[1], follow=True)
    assert page.status_code == 200
    assert "web/set_password.html" in [t.name for t in page.templates]
    assert page.context["validlink"] is True
    form_url = page.redirect_chain[-1][0]
    # ... which checks the password validators ...
    weak = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    # ... and sets the password once.
    done = client.post(
        form_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True
    )
    assert "web/password_set.html" in [t.name for t in done.templates]
    assert authenticate(username="bea", password=GOOD_PASSWORD) is not None

    # The link is one-time: a second visit says it no longer works.
    client.logout()
    again = client.get(link[1], follow=True)
    assert again.context["validlink"] is False
    assert "no longer works" in again.content.decode()


def test_an_invitation_link_expires(cast, client, settings):
    out = adduser("cyd", "--project", "acme", "--role", "viewer", "--invite")
    path = re.search(r"(/accounts/invitation/\S+/)", out)[1]
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than that
    page = client.get(path, follow=True)
    assert page.context["validlink"] is False


def test_new_link_issues_a_fresh_invitation_only_before_a_password_is_set(cast, client):
    adduser("dan", "--project", "acme", "--role", "viewer", "--invite")
    out = adduser("dan", "--new-link", "--site-url", "https://ia.example.org/")
    link = re.search(r"https://ia\.example\.org(/accounts/invitation/\S+/)", out)
    assert link, out
    assert client.get(link[1], follow=True).context["validlink"] is True

    User.objects.create_user("eli", password=GOOD_PASSWORD)
    with pytest.raises(CommandError, match="eli has set a password already"):
        adduser("eli", "--new-link")
    with pytest.raises(CommandError, match="retired is deactivated"):
        adduser("retired", "--new-link")
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        adduser("nobody", "--new-link")
    with pytest.raises(CommandError, match="--new-link takes no --project"):
        adduser("dan", "--new-link", "--project", "acme")


def test_adduser_needs_a_project_and_a_role(cast):
    users, memberships = User.objects.count(), Membership.objects.count()
    with pytest.raises(CommandError, match="give --project and --role"):
        adduser("eve", "--invite")
    assert nothing_written(users, memberships)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["viewer", "--invite"], "", "username: A user named 'viewer' already exists"),
        (["VIEWER", "--invite"], "", "username: A user named 'VIEWER' already exists"),
        (["bad name!", "--invite"], "", "username: Enter a valid username"),
        (["x" * 151, "--invite"], "", "username: Ensure this value has at most 150"),
        (["eve", "--invite", "--email", "not-an-address"], "", "email: Enter a valid email"),
        (["eve", "--password-stdin"], "short\n", "password: This password is too short"),
        (["eve", "--password-stdin"], "eve-example\n", "too similar"),
        (["eve", "--password-stdin"], "", "no password on standard input"),
        (["eve", "--invite", "--project", "nowhere"], "", "no project with slug 'nowhere'"),
        (["eve", "--invite", "--role", "god"], "", "unknown role 'god'"),
        # An undecodable byte in an argument or on stdin arrives as a lone surrogate (PEP 383).
        (["ev\udcffe", "--invite"], "", "username: the username is not valid text"),
        (["ev\x00e", "--invite"], "", "username: the username is not valid text"),
        (["eve", "--invite", "--email", "e@\udcff.org"], "", "email: the email is not valid"),
        (["eve", "--invite", "--project", "ac\udcffme"], "", "project: the project is not valid"),
        (["eve", "--invite", "--role", "view\udcff"], "", "role: the role is not valid text"),
        (["eve", "--password-stdin"], "tangerine\udcff-orbit\n", "password: the password is"),
    ],
)
def test_adduser_refuses_bad_input_and_writes_nothing(cast, args, stdin, message):
    users, memberships = User.objects.count(), Membership.objects.count()
    project = [] if "--project" in args else ["--project", "acme"]
    role = [] if "--role" in args else ["--role", "reviewer"]
    email = [] if "--email" in args else ["--email", "eve-example@example.org"]
    with pytest.raises(CommandError, match=re.escape(message)) as refused:
        adduser(*args, *project, *role, *email, stdin=stdin)
    assert str(refused.value).startswith("nothing was created")
    assert nothing_written(users, memberships)


def test_adduser_needs_a_password_or_an_invitation(cast):
    with pytest.raises(
        CommandError, match="one of the arguments --password-stdin --invite --new-link"
    ):
        adduser("eve", "--project", "acme", "--role", "viewer")
    with pytest.raises(CommandError, match="not allowed with argument"):
        adduser("eve", "--project", "acme", "--role", "viewer", "--invite", "--password-stdin")
    with pytest.raises(CommandError, match="not allowed with argument"):
        adduser("eve", "--invite", "--new-link")


def test_adduser_from_the_shell_exits_non_zero(cast):
    """Through a real process: argparse errors and refusals both exit non-zero."""
    # The test database is not the child's database: only the argument check can be seen.
    child = subprocess.run(
        [sys.executable, "manage.py", "adduser", "eve", "--project", "acme", "--role", "viewer"],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
    )
    assert child.returncode != 0
    assert "--password-stdin" in child.stderr


def test_every_refusal_is_reported_at_once(cast):
    new = NewMember(
        username="viewer", email="nope", project_slug="nowhere", role="god", password="1"
    )
    with pytest.raises(MemberRefused) as refused:
        add_member(new)
    assert set(refused.value.errors) == {"username", "email", "password", "project", "role"}


def test_a_membership_that_cannot_be_written_leaves_no_user_behind(cast, monkeypatch):
    """User and membership are one transaction: if the second write fails, the first is undone."""

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Membership.objects, "create", broken)
    new = NewMember(username="fay", email="", project_slug="acme", role="viewer", password=None)
    with pytest.raises(DatabaseError):
        add_member(new)
    assert not User.objects.filter(username="fay").exists()


def test_the_admin_adds_a_member_with_an_invitation(cast, client):
    client.force_login(cast.root)
    listing = client.get("/admin/access/membership/")
    assert b"/admin/access/membership/add-member/" in listing.content
    page = client.post(
        "/admin/access/membership/add-member/",
        {"username": "gus", "email": "", "project": "acme", "role": "reviewer", "how": "invite"},
        follow=True,
    )
    assert page.status_code == 200
    assert role_in(user=User.objects.get(username="gus"), project_id=cast.acme.id) == "reviewer"
    notice = " ".join(str(m) for m in page.context["messages"])
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)</code>", notice)
    assert link, notice
    client.logout()
    assert client.get(link[1], follow=True).context["validlink"] is True


def test_the_admin_adds_a_member_with_a_password(cast, client):
    client.force_login(cast.root)
    form = {"username": "hal", "project": "globex", "role": "admin", "how": "password"}
    page = client.post(
        "/admin/access/membership/add-member/",
        {**form, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert page.status_code == 302
    hal = authenticate(username="hal", password=GOOD_PASSWORD)
    assert role_in(user=hal, project_id=cast.globex.id) == Role.ADMIN


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "viewer", "how": "invite"}, "username", "already exists"),
        ({"username": "ivy", "how": "password", "password1": "1", "password2": "1"},
         "password1", "too short"),
        ({"username": "ivy", "how": "password", "password1": GOOD_PASSWORD, "password2": "x"},
         "password2", "differ"),
        ({"username": "ivy", "how": "password"}, "password1", "Give a password"),
        ({"username": "ivy", "how": "invite", "project": "nowhere"}, "project", "valid choice"),
        ({"username": "ivy", "how": "invite", "role": "god"}, "role", "valid choice"),
    ],
)  # fmt: skip
def test_the_admin_form_refuses_bad_input_and_writes_nothing(cast, client, fields, field, message):
    client.force_login(cast.root)
    users, memberships = User.objects.count(), Membership.objects.count()
    page = client.post(
        "/admin/access/membership/add-member/",
        {"project": "acme", "role": "viewer", **fields},
    )
    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert nothing_written(users, memberships)


def test_only_those_who_may_add_users_see_the_form(cast, client):
    cast.owner.is_staff = True
    cast.owner.save()
    client.force_login(cast.owner)  # staff, but no permission to add users or memberships
    assert client.get("/admin/access/membership/add-member/").status_code == 403
