from uuid import uuid4

import pytest
from django.contrib.auth.models import User

from access.services import grant
from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_admin_archives_an_interview_with_if_match(ingested):
    User.objects.create_user("ada")
    grant(username="ada", project_slug="ledgerline", role="admin")
    admin = client_for(User.objects.get(username="ada"))
    url = f"/api/v1/interviews/{ingested['interview_id']}/"
    etag = admin.get(url)["ETag"]
    body = {"to_status": "archived", "reason": "duplicate upload"}

    by_reviewer = ingested["reviewer"].post(
        url + "status/", body, format="json", HTTP_IF_MATCH=etag
    )
    assert by_reviewer.status_code == 403
    assert admin.post(url + "status/", body, format="json").status_code == 428
    response = admin.post(url + "status/", body, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 202
    last = get_event_store().read_stream(f"Interview-{ingested['interview_id']}")[-1]
    assert (last.data["to_status"], last.data["reason"], last.actor.display) == (
        "archived",
        "duplicate upload",
        "ada",
    )
    again = admin.post(url + "status/", body, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_bulk_confirm_confirms_the_filtered_unreviewed_sentences(ingested):
    url = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    response = ingested["reviewer"].post(
        url + "confirm/?speaker=Sam%20Lindqvist", {"note": "checked"}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["confirmed"]
    assert not body["skipped"]
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    listed = ingested["viewer"].get(url, {"speaker": "Sam Lindqvist", "page_size": 500}).json()
    assert {s["id"] for s in listed["results"]} == {c["id"] for c in body["confirmed"]}
    assert all(s["reviewed"] for s in listed["results"])
    assert ingested["viewer"].post(url + "confirm/", {}, format="json").status_code == 403


def test_bulk_confirm_skips_a_sentence_changed_since_the_read_model_showed_it(ingested):
    url = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    [first] = ingested["viewer"].get(url, {"page_size": 1}).json()["results"]
    ingested["second_reviewer"].post(
        f"/api/v1/sentences/{first['id']}/override/",
        {"fields": {"purpose": "Request"}, "reason": "asks"},
        format="json",
        HTTP_IF_MATCH=f'"{first["version"]}"',
    )  # not projected yet: the read model still shows the old version
    response = ingested["reviewer"].post(url + "confirm/", {}, format="json")
    assert [s["id"] for s in response.json()["skipped"]] == [first["id"]]


def test_bulk_confirm_of_the_sentences_seen_skips_and_names_one_changed_since(ingested):
    url = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    first, second, third = ingested["viewer"].get(url, {"page_size": 3}).json()["results"]
    ingested["second_reviewer"].post(
        f"/api/v1/sentences/{second['id']}/override/",
        {"fields": {"purpose": "Request"}, "reason": "asks"},
        format="json",
        HTTP_IF_MATCH=f'"{second["version"]}"',
    )
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    seen = [{"id": s["id"], "version": s["version"]} for s in (first, second, third)]

    response = ingested["reviewer"].post(url + "confirm/", {"sentences": seen}, format="json")

    assert response.status_code == 202
    body = response.json()
    assert [s["id"] for s in body["confirmed"]] == [first["id"], third["id"]]
    [skipped] = body["skipped"]
    assert (skipped["id"], skipped["index"], skipped["text"]) == (
        second["id"],
        second["index"],
        second["text"],
    )
    assert skipped["reason"].startswith("changed since it was shown")
    assert get_event_store().read_stream(f"Sentence-{second['id']}")[-1].actor.display == "sam"


def test_bulk_confirm_refuses_a_sentence_of_another_interview_and_confirms_none(ingested):
    url = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    [first] = ingested["viewer"].get(url, {"page_size": 1}).json()["results"]
    head = get_event_store().head_position()
    seen = [{"id": first["id"], "version": first["version"]}, {"id": str(uuid4()), "version": 0}]
    response = ingested["reviewer"].post(url + "confirm/", {"sentences": seen}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert get_event_store().head_position() == head


def test_an_archived_interview_refuses_bulk_and_single_corrections(ingested):
    User.objects.create_user("ada")
    grant(username="ada", project_slug="ledgerline", role="admin")
    admin = client_for(User.objects.get(username="ada"))
    interview = f"/api/v1/interviews/{ingested['interview_id']}/"
    archived = admin.post(
        interview + "status/",
        {"to_status": "archived", "reason": "done"},
        format="json",
        HTTP_IF_MATCH=admin.get(interview)["ETag"],
    )
    assert archived.status_code == 202
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    [first] = ingested["viewer"].get(interview + "sentences/", {"page_size": 1}).json()["results"]
    head = get_event_store().head_position()

    bulk = ingested["reviewer"].post(interview + "sentences/confirm/", {}, format="json")
    one = ingested["reviewer"].post(
        f"/api/v1/sentences/{first['id']}/override/",
        {"fields": {"purpose": "Request"}, "reason": "asks"},
        format="json",
        HTTP_IF_MATCH=f'"{first["version"]}"',
    )

    for response in (bulk, one):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert "archived: its sentences are read-only" in response.json()["detail"]
    assert get_event_store().head_position() == head
