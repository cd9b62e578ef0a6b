"""What every aggregate shares: the envelope of recorded events and rebuilding from a stream."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commands.aggregates import Cause, Project, project_id_for_slug
from commands.aggregates.base import new_event
from events.envelope import RecordedEvent
from tests.commands.builders import OWNER, PIPELINE


def test_a_recorded_event_takes_actor_correlation_and_causation_from_the_command():
    command_id, correlation_id = uuid.uuid4(), uuid.uuid4()
    project = Project(id=project_id_for_slug("tooling"))
    project.create(
        name="Tooling",
        slug="tooling",
        domain_keywords=[],
        cause=Cause(OWNER, command_id, correlation_id),
    )
    [event] = project.pending
    assert event.actor == OWNER
    assert event.correlation_id == correlation_id
    assert event.causation_id == command_id


def test_event_ids_are_derived_from_command_and_stream_unless_given():
    command_id = uuid.uuid4()
    cause = Cause(PIPELINE, command_id, command_id)
    first = new_event(cause, "Project-a", 0, "ProjectCreated", {})
    assert first.event_id == new_event(cause, "Project-a", 0, "ProjectCreated", {}).event_id
    assert first.event_id != new_event(cause, "Project-b", 0, "ProjectCreated", {}).event_id
    assert first.event_id != new_event(cause, "Project-a", 1, "ProjectCreated", {}).event_id
    explicit = uuid.uuid4()
    given = replace(cause, event_id=explicit)
    assert new_event(given, "Project-a", 0, "ProjectCreated", {}).event_id == explicit


def recorded(project_id: uuid.UUID, version: int, data: dict, event_type: str) -> RecordedEvent:
    now = datetime.now(UTC)
    return RecordedEvent(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        stream=f"Project-{project_id}",
        aggregate_type="Project",
        aggregate_id=project_id,
        version=version,
        position=version + 1,
        occurred_at=now,
        recorded_at=now,
        actor=PIPELINE,
        correlation_id=uuid.uuid4(),
        causation_id=uuid.uuid4(),
        data=data,
    )


def test_it_rebuilds_state_and_version_from_stored_events():
    project_id = uuid.uuid4()
    created = {"name": "Tooling", "slug": "tooling", "domain_keywords": ["Jira"]}
    renamed = {"changes": {"name": {"old": "Tooling", "new": "Tools"}}}
    project = Project.rebuild(
        project_id,
        [
            recorded(project_id, 0, created, "ProjectCreated"),
            recorded(project_id, 1, renamed, "ProjectUpdated"),
        ],
    )
    assert project == Project(
        id=project_id, version=1, name="Tools", slug="tooling", domain_keywords=("Jira",)
    )


def test_it_refuses_to_rebuild_from_a_stream_with_a_gap():
    project_id = uuid.uuid4()
    created = {"name": "Tooling", "slug": "tooling", "domain_keywords": []}
    renamed = {"changes": {"name": {"old": "Tooling", "new": "Tools"}}}
    with pytest.raises(ValueError, match="expected 1"):
        Project.rebuild(
            project_id,
            [
                recorded(project_id, 0, created, "ProjectCreated"),
                recorded(project_id, 2, renamed, "ProjectUpdated"),
            ],
        )
