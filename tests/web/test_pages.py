"""The pages around the review: projects and interviews, and what every page shares."""

import gzip

import pytest
from django.test import Client

from events.wiring import get_event_store
from ingestion.pipeline import PIPELINE
from ingestion.projects import ensure_project
from tests.web.helpers import catch_up, logged_in

pytestmark = pytest.mark.django_db


def test_the_projects_page_lists_only_the_users_projects(ledgerline):
    ensure_project("elsewhere", store=get_event_store(), actor=PIPELINE)
    catch_up()
    page = logged_in(ledgerline.users["rita"]).get("/projects/")
    assert page.status_code == 200
    assert b"/projects/ledgerline/" in page.content
    assert b"/projects/elsewhere/" not in page.content


def test_the_interviews_page_shows_analysis_and_review_progress(ledgerline):
    page = logged_in(ledgerline.users["rita"]).get("/projects/ledgerline/")
    html = page.content.decode()
    total = ledgerline.sentences
    assert f'<progress max="{total}" value="{total}" aria-label="analysed 100%">' in html
    assert f'<progress max="{total}" value="0" aria-label="reviewed 0%">' in html
    assert "Upload a transcript" in html  # a reviewer may upload


def test_a_viewer_is_not_offered_the_upload(ledgerline):
    html = logged_in(ledgerline.users["vera"]).get("/projects/ledgerline/").content.decode()
    assert "Dashboard" in html
    assert "Upload a transcript" not in html


def test_an_htmx_refresh_of_the_interviews_page_gets_only_its_rows(ledgerline):
    page = logged_in(ledgerline.users["rita"]).get("/projects/ledgerline/", HTTP_HX_REQUEST="true")
    assert page.content.lstrip().startswith(b"<tr")
    assert b"<html" not in page.content


def test_pages_need_a_login_and_hide_projects_from_outsiders(ledgerline):
    anonymous = Client().get("/projects/ledgerline/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    otto = ledgerline.users["otto"]
    assert logged_in(otto).get("/projects/ledgerline/").status_code == 404
    assert b"ledgerline" not in logged_in(otto).get("/projects/").content


def test_a_large_page_is_sent_gzipped_to_a_browser_that_accepts_it(ledgerline):
    url = f"/interviews/{ledgerline.interview_id}/"
    client = logged_in(ledgerline.users["rita"])
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content).count(b"<li") == plain.content.count(b"<li")
    assert len(packed.content) < len(plain.content) / 3
