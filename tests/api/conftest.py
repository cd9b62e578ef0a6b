import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access.services import grant
from commands.aggregates import sentence_id
from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from tests.ingestion.helpers import ingest_sample


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache: without this, one test's requests count against
    the next test's budget."""
    cache.clear()
    yield
    cache.clear()


def client_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def ingested(db):
    """A sample interview ingested and projected; a viewer of its project and an outsider."""
    store = get_event_store()
    outcome = ingest_sample(store)
    ProjectionRunner(get_projection("relational"), store, 12).catch_up()
    viewer = User.objects.create_user("vera")
    outsider = User.objects.create_user("otto")
    reviewers = [User.objects.create_user(name) for name in ("rita", "sam")]
    grant(username="vera", project_slug="ledgerline", role="viewer")
    for reviewer in reviewers:
        grant(username=reviewer.username, project_slug="ledgerline", role="reviewer")
    return {
        "interview_id": outcome.interview_id,
        "sentences": outcome.sentences,
        "viewer": client_for(viewer),
        "outsider": client_for(outsider),
        "reviewer": client_for(reviewers[0]),
        "second_reviewer": client_for(reviewers[1]),
        "reviewer_user": reviewers[0],
    }


@pytest.fixture
def overridden_by_rita(ingested):
    """Sentence 1, overridden by rita (purpose → Request) after its analysis."""
    sid = sentence_id(ingested["interview_id"], 1)
    url = f"/api/v1/sentences/{sid}/"
    etag = ingested["viewer"].get(url)["ETag"]
    written = ingested["reviewer"].post(
        f"{url}override/",
        {"fields": {"purpose": "Request"}, "reason": "she asks"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert written.status_code == 202, written.content
    return {"url": url, "written": written.json(), "sid": sid}
