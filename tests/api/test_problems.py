"""Every error under /api/ is problem+json, whichever layer answers it: a
view, DRF, Django's URL resolver, its request parsing, or an unhandled exception."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from commands.aggregates import sentence_id
from events.wiring import get_event_store
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
UNKNOWN = uuid.UUID("0b9a3c9e-52f7-4c1e-9d55-6a0f4c2d8e11")


def assert_problem(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status_code
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def superuser(db) -> APIClient:
    return client_for(User.objects.create_superuser("root", password="pw-tests-only"))


# Every read of the API that takes an id in its path (graph reads need Neo4j: not here).
READS_BY_ID = [
    "/api/v1/projects/{id}/",
    "/api/v1/projects/{id}/domain-keywords/",
    "/api/v1/projects/{id}/export.csv",
    "/api/v1/projects/{id}/export.jsonl",
    "/api/v1/interviews/{id}/",
    "/api/v1/interviews/{id}/sentences/",
    "/api/v1/interviews/{id}/export.csv",
    "/api/v1/interviews/{id}/export.jsonl",
    "/api/v1/sentences/{id}/",
    "/api/v1/sentences/{id}/history/",
]


@pytest.mark.parametrize("template", READS_BY_ID)
def test_a_superuser_asking_for_an_unknown_id_gets_a_404_problem(superuser, template):
    assert_problem(superuser.get(template.format(id=UNKNOWN)), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sentences/not-a-uuid/",
        "/api/v1/sentences/0b9a3c9e52f74c1e9d556a0f4c2d8e11/",  # unhyphenated
        "/api/v1/projects/0b9a3c9e-52f7-4c1e-9d55-6a0f4c2d8e1/",  # a digit short
        "/api/v1/no-such-resource/",
        "/api/",
    ],
)
def test_a_path_no_route_matches_is_a_404_problem(superuser, path):
    assert_problem(superuser.get(path), 404)


def test_an_upper_case_uuid_in_a_path_names_the_same_sentence(ingested):
    sid = sentence_id(ingested["interview_id"], 1)
    lower = ingested["viewer"].get(f"/api/v1/sentences/{sid}/")
    upper = ingested["viewer"].get(f"/api/v1/sentences/{str(sid).upper()}/")
    assert upper.status_code == 200, upper.content[:300]
    assert upper.json() == lower.json()
    assert upper["ETag"] == lower["ETag"]


def test_an_upper_case_uuid_of_a_project_an_outsider_cannot_see_is_still_a_404(ingested):
    project = ingested["viewer"].get("/api/v1/projects/").json()[0]["id"]
    assert_problem(ingested["outsider"].get(f"/api/v1/projects/{project.upper()}/"), 404)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_a_413_problem_in_bytes_and_mib(superuser):
    head = get_event_store().head_position()
    body = '{"name": "%s", "slug": "big"}' % ("x" * 5000)
    response = superuser.generic("POST", "/api/v1/projects/", body, content_type="application/json")
    problem = assert_problem(response, 413)
    assert "1,000 bytes (0.0 MiB)" in problem["detail"]
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in problem["detail"]
    assert get_event_store().head_position() == head


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_form_with_too_many_fields_is_a_400_problem(superuser):
    fields = "&".join(f"f{n}=v" for n in range(20))
    response = superuser.generic(
        "POST", "/api/v1/interviews/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 400)


def test_an_unhandled_error_is_a_500_problem_that_reveals_nothing(ingested, monkeypatch):
    secret = "the traceback says this"

    def broken(*args, **kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr("api.sentences.SentenceOutput.to_representation", broken)
    client = ingested["viewer"]
    client.raise_request_exception = False
    sid = sentence_id(ingested["interview_id"], 1)
    problem = assert_problem(client.get(f"/api/v1/sentences/{sid}/"), 500)
    assert secret not in str(problem)
    assert "RuntimeError" not in str(problem)


def test_an_error_asked_for_as_html_is_still_a_problem(superuser):
    response = superuser.get(f"/api/v1/projects/{UNKNOWN}/", HTTP_ACCEPT="text/html")
    assert_problem(response, 404)


def test_a_host_not_allowed_is_a_400_problem(superuser):
    response = superuser.get("/api/v1/projects/", HTTP_HOST="evil.example")
    assert_problem(response, 400)


def test_a_method_not_allowed_keeps_allow(superuser):
    response = superuser.delete("/api/v1/projects/")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_pages_outside_the_api_keep_djangos_html_404(superuser):
    response = superuser.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM)
