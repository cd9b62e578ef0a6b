"""Uploading over the API: 202 and a status resource, the CLI's validation, nothing half-written."""

import hashlib
import io

import pytest
from django_q.models import OrmQ
from rest_framework.throttling import ScopedRateThrottle

from commands.bus import dispatch
from commands.messages import ChangeInterviewStatus
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.models import Upload
from ingestion.pipeline import interview_id_for
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.models import Project

pytestmark = pytest.mark.django_db

URL = "/api/v1/interviews/"
TRANSCRIPT = b"Interviewer: How do you plan releases?\nDana: We use Jira for the backlog.\n"


@pytest.fixture
def project_id(ingested):
    return str(Project.objects.get(slug="ledgerline").id)


def _file(content: bytes = TRANSCRIPT, name: str = "call.txt") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _post(client, project_id, content=TRANSCRIPT, name="call.txt", **extra):
    data = {"file": _file(content, name), "project": project_id, **extra}
    return client.post(URL, data, format="multipart")


def test_an_upload_is_queued_and_answered_202_with_its_status_resource(ingested, project_id):
    head = get_event_store().head_position()
    response = _post(ingested["reviewer"], project_id)
    assert response.status_code == 202, response.json()
    body = response.json()
    assert response["Location"] == body["status_url"] == f"/api/v1/uploads/{body['task_id']}/"
    expected_interview = interview_id_for(Project.objects.get(slug="ledgerline").id, _sha())
    assert body["interview_id"] == str(expected_interview)
    assert OrmQ.objects.count() == 1
    # Queued, not run: no event yet, and the status says so.
    assert get_event_store().head_position() == head
    state = ingested["viewer"].get(body["status_url"]).json()
    assert state["state"] == "queued"
    assert state["uploaded_by"] == "rita"
    assert state["interview"] is None


def test_the_status_follows_the_upload_to_its_analysed_interview(
    ingested, project_id, run_tasks_inline
):
    body = _post(ingested["reviewer"], project_id, title="Release planning").json()
    state = ingested["reviewer"].get(body["status_url"]).json()
    assert state["state"] == "done", state
    assert state["interview"] is None  # analysed, but not yet projected
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    interview = ingested["reviewer"].get(
        body["interview_url"], {"wait_for": str(state["position"])}
    )
    assert interview.json()["status"] == "analyzed"
    assert interview.json()["title"] == "Release planning"
    state = ingested["reviewer"].get(body["status_url"]).json()
    assert state["interview"]["status"] == "analyzed"
    assert state["interview"]["sentence_count"] == state["interview"]["analyzed_count"] == 2


def test_the_uploader_is_the_authenticated_user_whatever_the_request_claims(
    ingested, project_id, run_tasks_inline
):
    response = ingested["reviewer"].post(
        URL,
        {"file": _file(), "project": project_id, "actor": "admin", "uploaded_by": "admin"},
        format="multipart",
        HTTP_X_USER_ID="1",
    )
    interview_id = response.json()["interview_id"]
    created = next(
        e
        for e in get_event_store().read_stream(f"Interview-{interview_id}")
        if e.event_type == "InterviewCreated"
    )
    assert created.actor.display == "rita"


def test_the_same_file_again_is_the_same_interview(ingested, project_id, run_tasks_inline):
    first = _post(ingested["reviewer"], project_id).json()
    head = get_event_store().head_position()
    second = _post(ingested["reviewer"], project_id).json()
    assert second["interview_id"] == first["interview_id"]
    assert ingested["reviewer"].get(second["status_url"]).json()["state"] == "done"
    assert get_event_store().head_position() == head  # recognised: nothing new recorded


def _sha() -> str:
    return hashlib.sha256(TRANSCRIPT).hexdigest()


def _nothing_written(head: int) -> None:
    assert get_event_store().head_position() == head
    assert OrmQ.objects.count() == 0
    assert Upload.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "status", "says"),
    [
        (b"", "empty.txt", 400, "empty"),
        (b"   \n\n", "blank.txt", 400, "empty"),
        (b"%PDF-1.7 binary", "report.pdf", 400, "PDF"),
        ("Dana: caf\u00e9".encode("latin-1"), "latin.txt", 400, "UTF-8"),
        ("Dana: hello".encode("utf-16"), "wide.txt", 400, "UTF"),
        (b"WEBVTT\n\n", "nothing.vtt", 400, "no sentences"),
    ],
)
def test_a_file_that_cannot_be_ingested_is_a_400_naming_it_and_writes_nothing(
    ingested, project_id, content, name, status, says
):
    head = get_event_store().head_position()
    response = _post(ingested["reviewer"], project_id, content, name)
    assert response.status_code == status, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert says in " ".join(response.json()["errors"]["file"])
    _nothing_written(head)


def test_a_file_over_the_limit_is_a_413_and_writes_nothing(ingested, project_id, settings):
    settings.INGEST_MAX_BYTES = 100_000
    head = get_event_store().head_position()
    big = b"Dana: " + b"We ship on Fridays. " * 6_000
    response = _post(ingested["reviewer"], project_id, big)
    assert response.status_code == 413
    assert "INGEST_MAX_BYTES" in response.json()["errors"]["file"][0]
    _nothing_written(head)


def test_a_body_announced_far_over_the_limit_is_refused_before_it_is_read(
    ingested, project_id, settings
):
    settings.INGEST_MAX_BYTES = 1_000
    response = ingested["reviewer"].post(
        URL,
        b"--x\r\n",  # never parsed: the announced length is refused first
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="50000000",
    )
    assert response.status_code == 413
    assert "50,000,000 bytes" in response.json()["errors"]["file"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"project": "PROJECT"}, "file"),
        ({"file": "FILE"}, "project"),
        ({"file": "FILE", "project": "not-a-uuid"}, "project"),
        ({"file": "FILE", "project": "PROJECT", "title": "x" * 301}, "title"),
    ],
)
def test_a_missing_or_malformed_field_is_a_400_naming_it(ingested, project_id, data, field):
    head = get_event_store().head_position()
    data = {
        k: _file() if v == "FILE" else project_id if v == "PROJECT" else v for k, v in data.items()
    }
    response = ingested["reviewer"].post(URL, data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    _nothing_written(head)


def test_json_is_the_wrong_content_type_for_an_upload(ingested, project_id):
    head = get_event_store().head_position()
    response = ingested["reviewer"].post(
        URL, {"project": project_id, "file": TRANSCRIPT.decode()}, format="json"
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert "application/json" in response.json()["detail"]
    _nothing_written(head)


def test_viewers_may_not_upload_and_outsiders_do_not_see_the_project(ingested, project_id):
    head = get_event_store().head_position()
    assert _post(ingested["viewer"], project_id).status_code == 403
    assert _post(ingested["outsider"], project_id).status_code == 404
    _nothing_written(head)


def test_an_upload_to_an_archived_interview_is_a_409(ingested, project_id, run_tasks_inline):
    interview_id = _post(ingested["reviewer"], project_id).json()["interview_id"]
    dispatch(
        ChangeInterviewStatus(
            actor=Actor.human(1, "admin"),
            interview_id=interview_id,
            to_status="archived",
            reason="done with it",
            expected_version=get_event_store().current_version(f"Interview-{interview_id}"),
        )
    )
    queued = OrmQ.objects.count()
    response = _post(ingested["reviewer"], project_id)
    assert response.status_code == 409
    assert "archived" in response.json()["detail"]
    assert OrmQ.objects.count() == queued


def test_the_status_of_an_upload_is_for_members_only(ingested, project_id):
    status_url = _post(ingested["reviewer"], project_id).json()["status_url"]
    assert ingested["outsider"].get(status_url).status_code == 404
    assert ingested["viewer"].get("/api/v1/uploads/0123456789abcdef/").status_code == 404
    ingested["viewer"].credentials()
    assert ingested["viewer"].get(status_url).status_code == 401


def test_uploads_have_their_own_throttle(ingested, project_id, monkeypatch):
    # DRF reads the rates once, when the throttle class is defined: patch them there.
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "uploads": "2/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    for n in range(2):
        content = TRANSCRIPT + f"Dana: take {n}.\n".encode()
        assert _post(ingested["reviewer"], project_id, content).status_code == 202
    refused = _post(ingested["reviewer"], project_id, TRANSCRIPT + b"Dana: again.\n")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    # Another user has a budget of their own; reads of the view do not count against it.
    assert _post(ingested["second_reviewer"], project_id).status_code == 202
    assert ingested["reviewer"].get(URL).status_code == 200
    assert OrmQ.objects.count() == 3
