"""Interview commands through the handlers and the real SQL event store."""

import uuid
from datetime import date

import pytest

from commands.bus import handle
from commands.errors import AlreadyExists, InvalidCommand, NotFound, StaleVersion
from commands.messages import ChangeInterviewStatus, UpdateInterviewMetadata
from tests.commands.builders import (
    OWNER,
    PIPELINE,
    REVIEWER,
    create_interview_command,
    create_project_command,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_id(repo) -> uuid.UUID:
    return handle(create_project_command(), repo).aggregate_id


@pytest.fixture
def interview_id(repo, project_id) -> uuid.UUID:
    return handle(create_interview_command(project_id), repo).aggregate_id


def stream(interview_id: uuid.UUID) -> str:
    return f"Interview-{interview_id}"


def test_it_creates_an_interview_in_an_existing_project(store, repo, project_id):
    command = create_interview_command(project_id, recorded_on=date(2025, 2, 3))
    result = handle(command, repo)
    [event] = store.read_stream(stream(command.interview_id))
    assert event.event_type == "InterviewCreated"
    assert event.data["project_id"] == str(project_id)
    assert event.data["recorded_on"] == "2025-02-03"
    assert result.position == event.position


def test_it_refuses_an_interview_in_a_project_that_does_not_exist(store, repo):
    command = create_interview_command(uuid.uuid4())
    with pytest.raises(NotFound, match="Project"):
        handle(command, repo)
    assert store.read_stream(stream(command.interview_id)) == []


def test_re_running_the_creation_of_an_interview_appends_nothing(store, repo, project_id):
    command = create_interview_command(project_id)
    first = handle(command, repo)
    again = handle(create_interview_command(project_id, interview_id=command.interview_id), repo)
    assert again.already_recorded
    assert again.event_ids == first.event_ids
    assert len(store.read_stream(first.stream)) == 1
    with pytest.raises(AlreadyExists, match="content_sha256"):
        handle(
            create_interview_command(
                project_id, interview_id=command.interview_id, content_sha256="0" * 64
            ),
            repo,
        )


def test_it_updates_metadata_with_old_and_new_values(store, repo, interview_id):
    handle(
        UpdateInterviewMetadata(
            actor=REVIEWER,
            interview_id=interview_id,
            expected_version=0,
            title="Maya, second session",
            metadata={"team": "platform"},
        ),
        repo,
    )
    event = store.read_stream(stream(interview_id))[-1]
    assert event.event_type == "InterviewMetadataUpdated"
    assert event.data == {
        "changes": {
            "title": {"old": "Interview with Maya", "new": "Maya, second session"},
            "metadata": {"old": {}, "new": {"team": "platform"}},
        }
    }


def test_the_pipeline_moves_an_interview_through_processing(store, repo, interview_id):
    for status in ("processing", "analyzed"):
        handle(
            ChangeInterviewStatus(actor=PIPELINE, interview_id=interview_id, to_status=status),
            repo,
        )
    events = store.read_stream(stream(interview_id))
    assert [(e.data["from_status"], e.data["to_status"]) for e in events[1:]] == [
        ("uploaded", "processing"),
        ("processing", "analyzed"),
    ]


def test_a_person_archiving_an_interview_must_say_which_version_they_saw(store, repo, interview_id):
    with pytest.raises(InvalidCommand, match="expected_version"):
        handle(
            ChangeInterviewStatus(actor=OWNER, interview_id=interview_id, to_status="archived"),
            repo,
        )
    result = handle(
        ChangeInterviewStatus(
            actor=OWNER,
            interview_id=interview_id,
            to_status="archived",
            reason="duplicate upload",
            expected_version=0,
        ),
        repo,
    )
    assert store.read_stream(stream(interview_id))[-1].data == {
        "from_status": "uploaded",
        "to_status": "archived",
        "reason": "duplicate upload",
    }
    assert result.version == 1


def test_archiving_from_a_stale_view_is_a_conflict(store, repo, interview_id):
    handle(
        ChangeInterviewStatus(actor=PIPELINE, interview_id=interview_id, to_status="processing"),
        repo,
    )
    with pytest.raises(StaleVersion) as error:
        handle(
            ChangeInterviewStatus(
                actor=OWNER, interview_id=interview_id, to_status="archived", expected_version=0
            ),
            repo,
        )
    assert error.value.current_version == 1
    assert [e.event_type for e in error.value.unseen_events] == ["InterviewStatusChanged"]
    assert len(store.read_stream(stream(interview_id))) == 2


def test_it_rejects_a_transition_outside_the_lifecycle_and_appends_nothing(
    store, repo, interview_id
):
    with pytest.raises(InvalidCommand, match="cannot go from uploaded to analyzed"):
        handle(
            ChangeInterviewStatus(actor=PIPELINE, interview_id=interview_id, to_status="analyzed"),
            repo,
        )
    assert len(store.read_stream(stream(interview_id))) == 1
