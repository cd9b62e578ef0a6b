"""Deeply nested JSON: every JSON body of the API is parsed with its nesting
bounded (api.parsers), so 100,000 nested brackets are a 400 problem, never a RecursionError."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from access.services import grant
from api.parsers import MAX_JSON_DEPTH, TooDeeplyNested, check_depth, loads
from commands.aggregates import sentence_id
from events.dimensions import PURPOSES
from events.wiring import get_event_store
from readmodel.models import Sentence
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

# Every endpoint of the API that reads a JSON body (the upload reads a multipart form).
WRITES = [
    "/api/v1/projects/",
    "/api/v1/interviews/{interview}/status/",
    "/api/v1/interviews/{interview}/sentences/confirm/",
    *(
        f"/api/v1/sentences/{{sentence}}/{action}/"
        for action in ("edit", "override", "revert", "clear", "confirm")
    ),
]
DEEP = 100_000


@pytest.fixture
def admin(ingested):
    """A staff user who is admin of the ingested project: every write reaches its parser."""
    User.objects.create_user("ada", is_staff=True)
    grant(username="ada", project_slug="ledgerline", role="admin")
    return client_for(User.objects.get(username="ada"))


@pytest.mark.parametrize("template", WRITES)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_deeply_nested_body_is_a_400_problem_and_appends_nothing(
    ingested, admin, template, opening
):
    url = template.format(
        interview=ingested["interview_id"], sentence=sentence_id(ingested["interview_id"], 1)
    )
    head = get_event_store().head_position()
    response = admin.generic(
        "POST", url, opening * DEEP, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]
    assert get_event_store().head_position() == head


def test_brackets_inside_strings_do_not_count_and_a_body_at_the_limit_is_read(ingested, admin):
    sid = sentence_id(ingested["interview_id"], 1)
    etag = admin.get(f"/api/v1/sentences/{sid}/")["ETag"]
    reason = '[{"\\"' * 10_000  # brackets, quotes and escapes, all text
    response = admin.post(
        f"/api/v1/sentences/{sid}/clear/",
        {"reason": reason[:2000]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 202, response.content[:300]


@pytest.mark.parametrize(
    "text",
    [
        "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH,
        '{"a": ' * (MAX_JSON_DEPTH - 1) + '["]]]][[[[\\"{{"]' + "}" * (MAX_JSON_DEPTH - 1),
    ],
)
def test_a_document_at_the_limit_parses(text):
    check_depth(text)
    assert loads(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        "[" * DEEP,
        '{"x": "[[[", "y": ' + "[" * (MAX_JSON_DEPTH + 1),
    ],
)
def test_a_document_past_the_limit_is_refused_as_a_value_error(text):
    with pytest.raises(TooDeeplyNested):
        loads(text)
    assert issubclass(TooDeeplyNested, ValueError)


def test_a_deeply_nested_json_form_field_is_ignored_not_a_500(ingested, monkeypatch):
    """The review form carries the keywords it showed as JSON (web.review.forms): the same
    bound applies there, and a field too deep to read counts as absent."""
    monkeypatch.setattr("web.review.responses.WAIT_LIMIT", 0)
    row = Sentence.objects.get(id=sentence_id(ingested["interview_id"], 1))
    purpose = next(p for p in PURPOSES if p != row.effective.get("purpose"))
    client = Client()
    client.force_login(ingested["reviewer_user"])
    form = {
        "purpose": purpose,
        "overall_keywords": ", ".join(row.effective.get("overall_keywords") or []),
        "initial_overall_keywords": "[" * DEEP,
        "reason": "purpose only",
        "version": row.version,
    }
    head = get_event_store().head_position()
    answer = client.post(f"/review/sentences/{row.id}/override/", form, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert get_event_store().head_position() == head + 1
