"""Who may do what, endpoint by endpoint: outsiders see nothing (404), viewers read (403 on
writes), reviewers correct and upload, admins also archive (docs/architecture.md, Corrections)."""

import io

import pytest
from django.contrib.auth.models import User

from access.services import grant
from commands.aggregates import sentence_id
from events.wiring import get_event_store
from readmodel.models import Project
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

READ = {"outsider": 404, "viewer": 200, "reviewer": 200, "admin": 200}
CORRECT = {"outsider": 404, "viewer": 403, "reviewer": 202, "admin": 202}
ADMINISTER = {"outsider": 404, "viewer": 403, "reviewer": 403, "admin": 202}


@pytest.fixture
def cast(ingested):
    admin = User.objects.create_user("ada")
    grant(username="ada", project_slug="ledgerline", role="admin")
    project = Project.objects.get(slug="ledgerline")
    interview = ingested["interview_id"]
    return {
        "clients": {
            "outsider": ingested["outsider"],
            "viewer": ingested["viewer"],
            "reviewer": ingested["reviewer"],
            "admin": client_for(admin),
        },
        "project": project.id,
        "interview": interview,
        # Each role writes its own sentence: a correction repeated on one would be refused as
        # a no-op (already cleared, already confirmed), hiding what the role may do.
        "sentence_of": {role: sentence_id(interview, n) for n, role in enumerate(READ, start=2)},
        "upload_from": ingested["reviewer"],
    }


def _etag(stream: str) -> str:
    # From the store, not the read model: no runner follows here, and an earlier role's write
    # must not make the next role's If-Match stale.
    return f'"{get_event_store().current_version(stream)}"'


def _read(url):
    return lambda cast, client: client.get(url.format(**cast))


def _write(url, body, etag_of=None):
    def call(cast, client):
        headers = {"HTTP_IF_MATCH": _etag(etag_of.format(**cast))} if etag_of else {}
        return client.post(url.format(**cast), body, format="json", **headers)

    return call


def _upload(cast, client):
    transcript = io.BytesIO(f"Ana: A new call for {client}.\nBo: Fine.\n".encode())
    transcript.name = "call.txt"
    return client.post(
        "/api/v1/interviews/", {"file": transcript, "project": cast["project"]}, format="multipart"
    )


def _upload_status(cast, client):
    status_url = _upload(cast, cast["upload_from"])["Location"]
    return client.get(status_url)


SENTENCE = "/api/v1/sentences/{sentence}/"
INTERVIEW = "/api/v1/interviews/{interview}/"
SENTENCE_STREAM = "Sentence-{sentence}"
INTERVIEW_STREAM = "Interview-{interview}"

MATRIX = {
    "project": (_read("/api/v1/projects/{project}/"), READ),
    "domain keywords": (_read("/api/v1/projects/{project}/domain-keywords/"), READ),
    "interview": (_read(INTERVIEW), READ),
    "sentences": (_read(INTERVIEW + "sentences/"), READ),
    "sentence": (_read(SENTENCE), READ),
    "history": (_read(SENTENCE + "history/"), READ),
    "interview export": (_read(INTERVIEW + "export.csv"), READ),
    "project export": (_read("/api/v1/projects/{project}/export.jsonl"), READ),
    "upload status": (_upload_status, READ),
    "edit": (
        _write(SENTENCE + "edit/", {"text": "Edited.", "reason": "r"}, SENTENCE_STREAM),
        CORRECT,
    ),
    "override": (
        _write(
            SENTENCE + "override/",
            {"fields": {"purpose": "Request"}, "reason": "r"},
            SENTENCE_STREAM,
        ),
        CORRECT,
    ),
    "clear": (_write(SENTENCE + "clear/", {"reason": "r"}, SENTENCE_STREAM), CORRECT),
    "confirm": (_write(SENTENCE + "confirm/", {}, SENTENCE_STREAM), CORRECT),
    "bulk confirm": (_write(INTERVIEW + "sentences/confirm/", {"note": "ok"}), CORRECT),
    "upload": (_upload, CORRECT),
    "archive": (
        _write(INTERVIEW + "status/", {"to_status": "archived", "reason": "r"}, INTERVIEW_STREAM),
        ADMINISTER,
    ),
}


@pytest.mark.parametrize("endpoint", MATRIX)
def test_each_role_gets_what_it_may(cast, endpoint):
    call, expected = MATRIX[endpoint]
    answers = {}
    for role, client in cast["clients"].items():
        answers[role] = call({**cast, "sentence": cast["sentence_of"][role]}, client).status_code
    assert answers == expected
