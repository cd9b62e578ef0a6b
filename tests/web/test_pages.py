"""The pages around the review: projects and interviews, and what every page shares."""

import gzip

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.api.conftest import ingested  # noqa: F401 (a fixture, reused)

pytestmark = pytest.mark.django_db


def browser_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_projects_page_lists_only_the_users_projects(ingested):  # noqa: F811
    page = browser_of(ingested["reviewer_user"]).get("/projects/")
    assert page.status_code == 200
    assert b"/projects/ledgerline/" in page.content


def test_the_interviews_page_shows_analysis_and_review_progress(ingested):  # noqa: F811
    page = browser_of(ingested["reviewer_user"]).get("/projects/ledgerline/")
    html = page.content.decode()
    total = ingested["sentences"]
    assert f'<progress max="{total}" value="{total}" aria-label="analysed 100%">' in html
    assert f'<progress max="{total}" value="0" aria-label="reviewed 0%">' in html
    assert "Upload a transcript" in html  # a reviewer may upload


def test_an_htmx_refresh_of_the_interviews_page_gets_only_its_rows(ingested):  # noqa: F811
    page = browser_of(ingested["reviewer_user"]).get(
        "/projects/ledgerline/", HTTP_HX_REQUEST="true"
    )
    assert page.content.lstrip().startswith(b"<tr")
    assert b"<html" not in page.content


def test_pages_need_a_login_and_hide_projects_from_outsiders(ingested):  # noqa: F811
    anonymous = Client().get("/projects/ledgerline/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    otto = User.objects.get(username="otto")
    assert browser_of(otto).get("/projects/ledgerline/").status_code == 404
    assert b"ledgerline" not in browser_of(otto).get("/projects/").content


def test_a_large_page_is_sent_gzipped_to_a_browser_that_accepts_it(ingested):  # noqa: F811
    url = f"/interviews/{ingested['interview_id']}/"
    client = browser_of(ingested["reviewer_user"])
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content).count(b"<li") == plain.content.count(b"<li")
    assert len(packed.content) < len(plain.content) / 3
