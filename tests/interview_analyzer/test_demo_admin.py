from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run_demo_admin() -> str:
    out = StringIO()
    call_command("demo_admin", stdout=out)
    return out.getvalue()


def test_it_creates_a_superuser_and_prints_a_working_login(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    printed = run_demo_admin()
    password = printed.strip().rsplit(" / ", 1)[1]
    user = authenticate(username="demo", password=password)
    assert user is not None
    assert user.is_superuser
    # Running it again keeps the same password, so a browser's saved login still works.
    assert run_demo_admin() == printed


def test_it_refuses_to_run_outside_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo_admin()
