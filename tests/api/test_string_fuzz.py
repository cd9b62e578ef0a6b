"""Hostile strings into every string field of every write endpoint and form.

Lone surrogates, NUL, control characters and over-long values: every answer is a 4xx (API:
problem+json; pages: the form again with its error, or a 400), and the event log does not grow.
Bodies are built by hand: JSON with `\\ud800` escapes (what a hostile client sends; Python's
encoders refuse to encode a lone surrogate), forms with the bytes a lone surrogate would be in
UTF-8 (`%ED%A0%80`, which is not UTF-8).
"""

import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from access.services import grant
from api.problems import PROBLEM
from commands.aggregates import project_id_for_slug, sentence_id
from events.models import StoredEvent
from events.text import find_text_problem
from events.wiring import get_event_store
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

HOSTILE = {
    "lone-high-surrogate": "Jira\ud800",
    "lone-low-surrogate": "\udc00",
    "nul": "Ji\x00ra",
    "escape": "Jira\x1b[2J",
    "bell": "\x07",
    "over-long": "x" * 100_001,
}
SENTENCE_WRITES: dict[str, Callable[[str], dict[str, Any]]] = {
    "edit-text": lambda s: ("edit", {"text": s, "reason": "typo"}),
    "edit-reason": lambda s: ("edit", {"text": "We use Jira daily.", "reason": s}),
    "override-label": lambda s: ("override", {"fields": {"purpose": s}, "reason": "r"}),
    "override-keyword": lambda s: (
        "override",
        {"fields": {"overall_keywords": [s]}, "reason": "r"},
    ),
    "override-domain": lambda s: ("override", {"fields": {"domain_keywords": [s]}, "reason": "r"}),
    "override-name": lambda s: ("override", {"fields": {s: "Request"}, "reason": "r"}),
    "override-reason": lambda s: ("override", {"fields": {"purpose": "Request"}, "reason": s}),
    "revert-field": lambda s: ("revert", {"fields": [s], "reason": "r"}),
    "revert-reason": lambda s: ("revert", {"fields": ["purpose"], "reason": s}),
    "clear-reason": lambda s: ("clear", {"reason": s}),
    "confirm-note": lambda s: ("confirm", {"note": s}),
}


def event_count() -> int:
    return StoredEvent.objects.count()


def post_json(client: Client, url: str, payload: Any, **headers: str):
    """`payload` as JSON with ASCII escapes: a lone surrogate travels as `\\ud800`."""
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def assert_refused_as_problem(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith(PROBLEM)
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["detail"]


@pytest.fixture
def world(ingested):
    ada = User.objects.create_user("ada", is_staff=True)
    grant(username="ada", project_slug="ledgerline", role="admin")
    ingested["admin"] = client_for(ada)
    ingested["project_id"] = project_id_for_slug("ledgerline")
    ingested["sid"] = sentence_id(ingested["interview_id"], 1)
    return ingested


# --- The API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("write", SENTENCE_WRITES.values(), ids=SENTENCE_WRITES.keys())
def test_every_sentence_command_refuses_it(world, write, value):
    action, payload = write(value)
    url = f"/api/v1/sentences/{world['sid']}/"
    etag = world["reviewer"].get(url)["ETag"]
    if action in ("revert", "clear"):  # something to revert or clear first
        made = post_json(
            world["reviewer"],
            f"{url}override/",
            {"fields": {"purpose": "Request"}, "reason": "r"},
            HTTP_IF_MATCH=etag,
        )
        assert made.status_code == 202
        etag = f'"{made.json()["version"]}"'
    before = event_count()
    response = post_json(world["reviewer"], f"{url}{action}/", payload, HTTP_IF_MATCH=etag)
    assert_refused_as_problem(response)
    assert event_count() == before


def interview_writes(world) -> dict[str, Callable[[str], tuple[str, Any, dict[str, str]]]]:
    interview = f"/api/v1/interviews/{world['interview_id']}/"
    return {
        "status-reason": lambda s: (
            f"{interview}status/",
            {"to_status": "archived", "reason": s},
            {"HTTP_IF_MATCH": world["admin"].get(interview)["ETag"]},
        ),
        "status-to": lambda s: (
            f"{interview}status/",
            {"to_status": s, "reason": "done"},
            {"HTTP_IF_MATCH": world["admin"].get(interview)["ETag"]},
        ),
        "bulk-note": lambda s: (f"{interview}sentences/confirm/", {"note": s}, {}),
        "project-name": lambda s: ("/api/v1/projects/", {"name": s, "slug": "fuzz"}, {}),
        "project-slug": lambda s: ("/api/v1/projects/", {"name": "Fuzz", "slug": s}, {}),
        "project-keyword": lambda s: (
            "/api/v1/projects/",
            {"name": "Fuzz", "slug": "fuzz", "domain_keywords": ["Jira", s]},
            {},
        ),
    }


WRITE_NAMES = ("status-reason", "status-to", "bulk-note", "project-name", "project-slug")


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("name", [*WRITE_NAMES, "project-keyword"])
def test_every_interview_and_project_write_refuses_it(world, name, value):
    url, payload, headers = interview_writes(world)[name](value)
    before = event_count()
    response = post_json(world["admin"], url, payload, **headers)
    assert_refused_as_problem(response)
    assert event_count() == before


def multipart(fields: dict[str, bytes], filename: bytes, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with raw bytes in its fields and file name."""
    boundary = uuid.uuid4().hex
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), name.encode(), value)
        for name, value in fields.items()
    ]
    parts.append(
        b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
        b"Content-Type: text/plain\r\n\r\n%s\r\n" % (boundary.encode(), filename, content)
    )
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return body, f"multipart/form-data; boundary={boundary}"


# Multipart text is decoded by Django with U+FFFD for what is not UTF-8, so what a client can
# send there is text (lone surrogates cannot be): the other hostile strings.
TEXT_HOSTILE = {k: v for k, v in HOSTILE.items() if "surrogate" not in k}
TRANSCRIPT = b"Maya: We plan the release in Jira.\nAde: Every sprint.\n"


@pytest.mark.parametrize("value", TEXT_HOSTILE.values(), ids=TEXT_HOSTILE.keys())
@pytest.mark.parametrize("field", ["title", "transcript"])
def test_an_upload_refuses_it_in_its_title_file_name_or_text(world, field, value, run_tasks_inline):
    raw = value.encode("utf-8")
    fields = {"project": str(world["project_id"]).encode()}
    if field == "title":
        fields["title"] = raw
    content = b"Maya: %s\n" % raw if field == "transcript" else TRANSCRIPT
    body, content_type = multipart(fields, b"call.txt", content)
    before = event_count()
    response = world["reviewer"].post("/api/v1/interviews/", data=body, content_type=content_type)
    assert_refused_as_problem(response)
    assert event_count() == before


@pytest.mark.parametrize("value", TEXT_HOSTILE.values(), ids=TEXT_HOSTILE.keys())
def test_a_file_name_is_recorded_only_as_text(world, value, run_tasks_inline):
    # Django's multipart parser keeps only the printable characters of a file name and at most
    # 255 of them; whatever reaches the log must be text by events.text's rule.
    body, content_type = multipart(
        {"project": str(world["project_id"]).encode()},
        b"call%s.txt" % value.encode("utf-8"),
        TRANSCRIPT,
    )
    before, head = event_count(), get_event_store().head_position()
    response = world["reviewer"].post("/api/v1/interviews/", data=body, content_type=content_type)
    if response.status_code >= 400:
        assert_refused_as_problem(response)
        assert event_count() == before
        return
    assert response.status_code == 202
    [created] = StoredEvent.objects.filter(event_type="InterviewCreated", position__gt=head)
    assert find_text_problem(created.data) is None
    assert created.data["source_filename"].startswith("call")


def test_an_error_quoting_a_lone_surrogate_is_still_a_400_problem(world):
    # DRF's messages quote the input ("'\ud800' is not a valid choice"); its renderer encodes
    # UTF-8, which cannot hold a lone surrogate: this 400 was a 500.
    url = f"/api/v1/sentences/{world['sid']}/"
    etag = world["reviewer"].get(url)["ETag"]
    response = post_json(
        world["reviewer"],
        f"{url}revert/",
        {"fields": ["\ud800"], "reason": "r"},
        HTTP_IF_MATCH=etag,
    )
    assert_refused_as_problem(response)
    assert "\ufffd" in json.dumps(json.loads(response.content)["errors"], ensure_ascii=False)


def test_the_browsable_api_page_of_such_an_error_renders_too(world):
    url = f"/api/v1/sentences/{world['sid']}/"
    etag = world["reviewer"].get(url)["ETag"]
    response = world["reviewer"].post(
        f"{url}revert/",
        data=json.dumps({"fields": ["\ud800"], "reason": "r"}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 400
    response.content.decode("utf-8")


# --- The pages --------------------------------------------------------------------------------


def form_body(fields: dict[str, str | list[str]]) -> bytes:
    """URL-encoded form; each value's characters as UTF-8, lone surrogates included (as the
    bytes they would be, which are not UTF-8)."""
    pairs = []
    for name, values in fields.items():
        for value in [values] if isinstance(values, str) else values:
            pairs.append(
                f"{name}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}".encode()
            )
    return b"&".join(pairs)


def post_form(client: Client, url: str, fields: dict[str, Any]):
    return client.post(
        url,
        data=form_body(fields),
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )


# What each correction form posts, with one field hostile.
FORM_WRITES: dict[str, Callable[[str], tuple[str, dict[str, Any]]]] = {
    "edit-text": lambda s: ("edit", {"text": s, "reason": "typo"}),
    "edit-reason": lambda s: ("edit", {"text": "We use Jira daily.", "reason": s}),
    "override-label": lambda s: ("override", {"purpose": s, "reason": "r"}),
    "override-keywords": lambda s: (
        "override",
        {"overall_keywords": s, "initial_overall_keywords": "[]", "reason": "r"},
    ),
    "override-domain": lambda s: (
        "override",
        {"domain_keywords": [s], "initial_domain_keywords": "[]", "reason": "r"},
    ),
    "override-reason": lambda s: ("override", {"purpose": "Request", "reason": s}),
    "confirm-note": lambda s: ("confirm", {"note": s}),
}


@pytest.fixture
def rita_browser(world) -> Client:
    client = Client()
    client.force_login(world["reviewer_user"])
    return client


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("write", FORM_WRITES.values(), ids=FORM_WRITES.keys())
def test_every_correction_form_refuses_it(world, rita_browser, write, value):
    action, fields = write(value)
    version = json.loads(world["reviewer"].get(f"/api/v1/sentences/{world['sid']}/").content)[
        "version"
    ]
    before = event_count()
    response = post_form(
        rita_browser,
        f"/review/sentences/{world['sid']}/{action}/",
        {**fields, "version": str(version)},
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert event_count() == before


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_confirm_all_form_refuses_it(world, rita_browser, value):
    before = event_count()
    response = post_form(
        rita_browser, f"/interviews/{world['interview_id']}/confirm/", {"note": value}
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert event_count() == before


@pytest.mark.parametrize("value", TEXT_HOSTILE.values(), ids=TEXT_HOSTILE.keys())
@pytest.mark.parametrize("field", ["title", "transcript"])
def test_the_upload_form_refuses_it(world, rita_browser, field, value, run_tasks_inline):
    raw = value.encode("utf-8")
    content = b"Maya: %s\n" % raw if field == "transcript" else TRANSCRIPT
    data = {"file": SimpleUploadedFile("call.txt", content)}
    if field == "title":
        data["title"] = value
    before = event_count()
    response = rita_browser.post("/projects/ledgerline/upload/", data)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert event_count() == before


@pytest.mark.parametrize("field", ["title", "note"])
def test_a_form_that_is_not_utf8_is_refused_naming_the_field(world, rita_browser, field):
    url = (
        f"/interviews/{world['interview_id']}/confirm/"
        if field == "note"
        else f"/review/sentences/{world['sid']}/edit/"
    )
    response = post_form(rita_browser, url, {field: "caf\udce9", "version": "0"})
    assert response.status_code == 400
    assert repr(field) in response.content.decode("utf-8")
