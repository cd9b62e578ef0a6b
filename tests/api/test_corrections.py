import socket

import pytest

from commands.aggregates import sentence_id
from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(ingested):
    """Sentence 0 of the ingested interview: its URL and current ETag."""
    sid = sentence_id(ingested["interview_id"], 0)
    etag = ingested["viewer"].get(f"/api/v1/sentences/{sid}/")["ETag"]
    return {"id": sid, "url": f"/api/v1/sentences/{sid}/", "etag": etag}


def stream_of(target) -> list:
    return get_event_store().read_stream(f"Sentence-{target['id']}")


def post(client, target, action, body, etag=None, **headers):
    if etag is not None:
        headers["HTTP_IF_MATCH"] = etag
    return client.post(f"{target['url']}{action}/", body, format="json", **headers)


@pytest.mark.parametrize(
    ("action", "body", "event_type"),
    [
        ("edit", {"text": "Okay, we are all here.", "reason": "typo"}, "SentenceEdited"),
        ("override", {"fields": {"purpose": "Request"}, "reason": "asks"}, "AnalysisOverridden"),
        ("clear", {"reason": "nonsense"}, "AnalysisCleared"),
        ("confirm", {"note": "fine"}, "SentenceReviewed"),
    ],
)
def test_a_reviewer_correction_is_recorded_as_them_and_answered_202(
    ingested, target, action, body, event_type
):
    response = post(ingested["reviewer"], target, action, body, target["etag"])
    assert response.status_code == 202, response.json()
    last = stream_of(target)[-1]
    assert last.event_type == event_type
    assert response.json()["event_ids"] == [str(last.event_id)]
    assert response.json()["position"] == last.position
    assert response["ETag"] == f'"{last.version}"'
    assert last.actor.display == "rita"


def test_a_forged_user_header_or_body_actor_changes_nothing(ingested, target):
    body = {"note": "x", "actor": {"type": "human", "id": "1", "display": "admin"}}
    post(ingested["reviewer"], target, "confirm", body, target["etag"], HTTP_X_USER_ID="1")
    assert stream_of(target)[-1].actor.id == str(ingested["reviewer_user"].pk)


def test_without_if_match_the_answer_is_428_and_nothing_is_written(ingested, target):
    before = len(stream_of(target))
    response = post(ingested["reviewer"], target, "confirm", {})
    assert response.status_code == 428
    assert len(stream_of(target)) == before


def test_two_reviewers_with_the_same_etag_one_wins_the_other_gets_412(ingested, target):
    request = {"fields": {"purpose": "Request"}, "reason": "she asks"}
    first = post(ingested["reviewer"], target, "override", request, target["etag"])
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    query = {"fields": {"purpose": "Query"}, "reason": "he asks"}
    second = post(ingested["second_reviewer"], target, "override", query, target["etag"])
    assert (first.status_code, second.status_code) == (202, 412)
    problem = second.json()
    assert problem["current"]["effective"]["purpose"] == "Request"
    assert [c["event_type"] for c in problem["changes"]] == ["AnalysisOverridden"]
    assert second["ETag"] == first["ETag"]
    overrides = [e for e in stream_of(target) if e.event_type == "AnalysisOverridden"]
    assert [e.data["fields"] for e in overrides] == [{"purpose": "Request"}]  # no lost update


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("override", {"fields": {"mood": "happy"}, "reason": "x"}, "fields"),
        ("override", {"fields": {"purpose": "Shouting"}, "reason": "x"}, "fields"),
        ("override", {"fields": {"overall_keywords": "jira"}, "reason": "x"}, "fields"),
        ("edit", {"text": "", "reason": "x"}, "text"),
        ("edit", {"text": "x" * 10_001, "reason": "x"}, "text"),
        ("clear", {}, "reason"),
        ("revert", {"fields": ["purpose"], "reason": "x"}, None),  # nothing overridden
    ],
)
def test_bad_input_is_a_4xx_problem_and_appends_nothing(ingested, target, action, body, field):
    before = len(stream_of(target))
    response = post(ingested["reviewer"], target, action, body, target["etag"])
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    if field is not None:
        assert field in response.json()["errors"]
    assert len(stream_of(target)) == before


def test_malformed_json_is_a_400_problem(ingested, target):
    response = ingested["reviewer"].post(
        f"{target['url']}confirm/",
        data="{not json",
        content_type="application/json",
        HTTP_IF_MATCH=target["etag"],
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_a_label_outside_its_set_is_a_field_error_naming_the_dimension(ingested, target):
    body = {"fields": {"purpose": "Shouting"}, "reason": "x"}
    response = post(ingested["reviewer"], target, "override", body, target["etag"])
    [message] = response.json()["errors"]["fields"]
    assert message.startswith("purpose: 'Shouting' is not a valid purpose (allowed: ")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_body_of_the_wrong_content_type_is_a_415_problem_and_appends_nothing(
    ingested, target, content_type
):
    before = len(stream_of(target))
    response = ingested["reviewer"].post(
        f"{target['url']}confirm/",
        data='{"note": "fine"}',
        content_type=content_type,
        HTTP_IF_MATCH=target["etag"],
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert content_type in response.json()["detail"]
    assert len(stream_of(target)) == before


def test_a_viewer_gets_403_and_an_outsider_404(ingested, target):
    body = {"note": "x"}
    assert post(ingested["viewer"], target, "confirm", body, target["etag"]).status_code == 403
    assert post(ingested["outsider"], target, "confirm", body, target["etag"]).status_code == 404


def test_an_unreachable_event_store_is_a_503_that_names_no_host(ingested, target, settings):
    """A regression: the 503's detail was the driver's message, naming the store's address."""
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    get_event_store.cache_clear()
    settings.EVENT_STORE = "esdb"
    settings.ESDB_URL = f"esdb://127.0.0.1:{port}?Tls=false"
    try:
        response = post(ingested["reviewer"], target, "confirm", {}, target["etag"])
    finally:
        get_event_store.cache_clear()

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["detail"] == "The event store is unavailable; try again shortly."
    assert str(port) not in response.content.decode()
