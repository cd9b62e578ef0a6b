"""The Interview aggregate on its own: no store, no Django."""

import uuid
from datetime import date, datetime

import pytest

from commands.aggregates import Interview
from commands.aggregates.interview import TRANSITIONS
from commands.errors import AlreadyExists, InvalidCommand, NotFound
from events.catalogue import INTERVIEW_STATUSES
from tests.commands.builders import PIPELINE, REVIEWER, cause, sha256

PROJECT_ID = uuid.uuid4()
ALLOWED = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
FORBIDDEN = sorted(
    (a, b) for a in INTERVIEW_STATUSES for b in INTERVIEW_STATUSES if b not in TRANSITIONS[a]
)


def creation(**changes) -> dict:
    fields = {
        "project_id": PROJECT_ID,
        "title": "Interview with Maya",
        "source_filename": "maya.txt",
        "content_sha256": sha256("hello"),
        "language": "en",
        "participants": ["Maya"],
        "recorded_on": date(2025, 3, 1),
        "metadata": {"team": "platform"},
    }
    return {**fields, **changes}


# How an interview reaches each status from `uploaded`.
PATHS = {
    "uploaded": [],
    "processing": ["processing"],
    "analyzed": ["processing", "analyzed"],
    "failed": ["failed"],
    "archived": ["archived"],
}


def an_interview(status: str = "uploaded", **changes) -> Interview:
    """A stored interview (nothing pending) in `status`."""
    interview = Interview(id=uuid.uuid4())
    interview.create(**creation(**changes), cause=cause(PIPELINE))
    for step in PATHS[status]:
        interview.change_status(to_status=step, reason=None, cause=cause(PIPELINE))
    interview.mark_saved(len(interview.pending) - 1)
    return interview


def test_it_starts_uploaded_and_keeps_its_metadata_in_json_shape():
    interview = Interview(id=uuid.uuid4())
    interview.create(**creation(content_sha256=sha256("x").upper()), cause=cause(PIPELINE))
    [event] = interview.pending
    assert event.data["recorded_on"] == "2025-03-01"
    assert event.data["project_id"] == str(PROJECT_ID)
    assert event.data["content_sha256"] == sha256("x")
    assert interview.status == "uploaded"
    assert interview.recorded_on == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "title"),
        ("content_sha256", "abc", "content_sha256"),
        ("language", "e", "language"),
        ("participants", ["Maya", " "], "participant"),
        ("participants", "Maya", "list"),
        ("recorded_on", datetime(2025, 3, 1, 12, 0), "recorded_on"),
        ("metadata", {"when": object()}, "JSON"),
    ],
)
def test_it_rejects_invalid_creation_fields(field, value, message):
    with pytest.raises(InvalidCommand, match=message):
        Interview(id=uuid.uuid4()).create(**creation(**{field: value}), cause=cause(PIPELINE))


def test_it_treats_creating_it_again_with_the_same_content_as_done():
    interview = an_interview()
    interview.create(**creation(), cause=cause(PIPELINE))
    assert interview.pending == []


def test_it_refuses_to_be_created_again_with_other_content():
    interview = an_interview()
    with pytest.raises(AlreadyExists) as error:
        interview.create(**creation(title="Other", language="de"), cause=cause(PIPELINE))
    assert error.value.differences == ["language", "title"]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows_the_status_transitions_of_the_lifecycle(from_status, to_status):
    interview = an_interview(from_status)
    interview.change_status(to_status=to_status, reason=None, cause=cause(PIPELINE))
    [event] = interview.pending
    assert event.data == {"from_status": from_status, "to_status": to_status, "reason": None}
    assert interview.status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_it_rejects_every_other_status_transition(from_status, to_status):
    interview = an_interview(from_status)
    with pytest.raises(InvalidCommand):
        interview.change_status(to_status=to_status, reason=None, cause=cause(PIPELINE))
    assert interview.status == from_status
    assert interview.pending == []


def test_it_rejects_a_transition_to_the_status_it_already_has():
    with pytest.raises(InvalidCommand, match="already processing"):
        an_interview("processing").change_status(
            to_status="processing", reason=None, cause=cause(PIPELINE)
        )


def test_it_rejects_an_unknown_status():
    with pytest.raises(InvalidCommand, match="not an interview status"):
        an_interview().change_status(to_status="deleted", reason=None, cause=cause(PIPELINE))


def test_archived_is_final():
    assert TRANSITIONS["archived"] == frozenset()
    with pytest.raises(InvalidCommand, match="final"):
        an_interview("archived").change_status(
            to_status="processing", reason=None, cause=cause(PIPELINE)
        )


def test_it_records_old_and_new_values_of_changed_metadata_only():
    interview = an_interview()
    interview.update_metadata(
        title="Interview with Maya",
        recorded_on=None,
        participants=("Maya", "Ian"),
        cause=cause(REVIEWER),
    )
    [event] = interview.pending
    assert event.data == {
        "changes": {
            "recorded_on": {"old": "2025-03-01", "new": None},
            "participants": {"old": ["Maya"], "new": ["Maya", "Ian"]},
        }
    }
    assert interview.recorded_on is None
    assert interview.participants == ("Maya", "Ian")


def test_it_rejects_a_metadata_update_that_changes_nothing():
    with pytest.raises(InvalidCommand, match="changes nothing"):
        an_interview().update_metadata(
            title=" Interview with Maya ", metadata={"team": "platform"}, cause=cause()
        )


def test_it_cannot_change_an_interview_that_does_not_exist():
    with pytest.raises(NotFound):
        Interview(id=uuid.uuid4()).change_status(to_status="processing", reason=None, cause=cause())
