"""A text field of a JSON body takes only a JSON string: `"reason": 42`
was stored as the text "42". Every text field of every JSON write is checked here."""

import pytest
from django.contrib.auth.models import User

from access.services import grant
from commands.aggregates import sentence_id
from events.wiring import get_event_store
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

# (write, a valid body, the text field replaced); {sentence} and {interview} are filled in.
FIELDS = [
    ("sentences/{sentence}/edit/", {"text": "Hello there.", "reason": "typo"}, "text"),
    ("sentences/{sentence}/edit/", {"text": "Hello there.", "reason": "typo"}, "reason"),
    ("sentences/{sentence}/override/", {"fields": {"purpose": "Query"}, "reason": "r"}, "reason"),
    ("sentences/{sentence}/revert/", {"fields": ["purpose"], "reason": "r"}, "reason"),
    ("sentences/{sentence}/clear/", {"reason": "r"}, "reason"),
    ("sentences/{sentence}/confirm/", {"note": "n"}, "note"),
    ("interviews/{interview}/status/", {"to_status": "archived", "reason": "r"}, "reason"),
    ("interviews/{interview}/sentences/confirm/", {"note": "n"}, "note"),
    ("projects/", {"name": "New", "slug": "new"}, "name"),
    ("projects/", {"name": "New", "slug": "new"}, "slug"),
    ("projects/", {"name": "New", "slug": "new", "domain_keywords": ["a"]}, "domain_keywords"),
]


@pytest.fixture
def admin(ingested):
    User.objects.create_user("ada", is_staff=True)
    grant(username="ada", project_slug="ledgerline", role="admin")
    return client_for(User.objects.get(username="ada"))


@pytest.mark.parametrize(("path", "body", "field"), FIELDS)
@pytest.mark.parametrize("value", [42, 1.5, True, ["a"], {"a": "b"}])
def test_a_text_field_holding_another_json_type_is_a_400_naming_it(
    ingested, admin, path, body, field, value
):
    url = "/api/v1/" + path.format(
        sentence=sentence_id(ingested["interview_id"], 1), interview=ingested["interview_id"]
    )
    body = {**body, field: [value] if field == "domain_keywords" else value}
    head = get_event_store().head_position()
    response = admin.post(url, body, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert get_event_store().head_position() == head


@pytest.mark.parametrize(("path", "body", "field"), FIELDS)
def test_the_same_bodies_with_strings_pass_validation(ingested, admin, path, body, field):
    url = "/api/v1/" + path.format(
        sentence=sentence_id(ingested["interview_id"], 1), interview=ingested["interview_id"]
    )
    response = admin.post(url, body, format="json", HTTP_IF_MATCH="*")
    # The body is read; the command may still refuse (an override to the current value).
    assert response.status_code in (202, 400), response.content[:300]
    assert "errors" not in response.json()
