"""If-Match on every write that takes it: one ETag as the API writes it,
or `*` (RFC 9110, 13.1.1: matches any current representation); anything else is a 400, and
a missing one a 428 that names what to send."""

import pytest
from django.contrib.auth.models import User

from access.services import grant
from commands.aggregates import sentence_id
from events.wiring import get_event_store
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(ingested):
    User.objects.create_user("ada")
    grant(username="ada", project_slug="ledgerline", role="admin")
    return client_for(User.objects.get(username="ada"))


def writes(ingested) -> dict[str, tuple[str, dict, str]]:
    """Each write taking If-Match: its URL, a valid body, and the stream it appends to."""
    sid = sentence_id(ingested["interview_id"], 1)
    iid = ingested["interview_id"]
    return {
        "sentence": (
            f"/api/v1/sentences/{sid}/confirm/",
            {"note": "checked"},
            f"Sentence-{sid}",
        ),
        "interview": (
            f"/api/v1/interviews/{iid}/status/",
            {"to_status": "archived", "reason": "duplicate"},
            f"Interview-{iid}",
        ),
    }


@pytest.mark.parametrize("kind", ["sentence", "interview"])
def test_if_match_star_writes_on_top_of_the_current_version(ingested, admin, kind):
    url, body, stream = writes(ingested)[kind]
    store = get_event_store()
    before = store.current_version(stream)
    response = admin.post(url, body, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 202, response.content[:300]
    assert store.current_version(stream) == before + 1


@pytest.mark.parametrize("kind", ["sentence", "interview"])
@pytest.mark.parametrize(
    "value",
    [
        "{version}",  # unquoted
        '"{version}',  # half-quoted
        "'{version}'",
        '"{version}", "{version}"',  # a list: this API writes one version
        '"v{version}"',
        '"{version}"x',
        '"' + "9" * 5000 + '"',  # int() of thousands of digits would raise
        "**",
    ],
)
def test_a_malformed_if_match_is_a_400_problem_and_nothing_is_written(ingested, admin, kind, value):
    url, body, stream = writes(ingested)[kind]
    store = get_event_store()
    before = store.current_version(stream)
    header = value.format(version=before)
    response = admin.post(url, body, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert "If-Match" in response.json()["detail"]
    assert store.current_version(stream) == before


@pytest.mark.parametrize("kind", ["sentence", "interview"])
def test_a_quoted_or_weak_etag_is_accepted(ingested, admin, kind):
    url, body, stream = writes(ingested)[kind]
    before = get_event_store().current_version(stream)
    response = admin.post(url, body, format="json", HTTP_IF_MATCH=f' W/"{before}" ')
    assert response.status_code == 202, response.content[:300]


@pytest.mark.parametrize("kind", ["sentence", "interview"])
def test_the_428_names_what_the_endpoint_changes(ingested, admin, kind):
    url, body, _ = writes(ingested)[kind]
    response = admin.post(url, body, format="json")
    assert response.status_code == 428
    detail = response.json()["detail"]
    assert f"{kind}'s ETag" in detail
    other = {"sentence": "interview", "interview": "sentence"}[kind]
    assert other not in detail
