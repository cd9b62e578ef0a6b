"""Project commands through the handlers and the real SQL event store."""

import uuid

import pytest

from commands.bus import handle
from commands.errors import AlreadyExists, InvalidCommand, NotFound
from commands.messages import UpdateProject
from tests.commands.builders import OWNER, create_project_command

pytestmark = pytest.mark.django_db


def test_it_creates_a_project_and_answers_with_ids_version_and_position(store, repo):
    command = create_project_command()
    result = handle(command, repo)
    [event] = store.read_stream(f"Project-{command.project_id}")
    assert event.event_type == "ProjectCreated"
    assert event.data["domain_keywords"] == ["Jira", "Scrum", "Kanban"]
    assert result.stream == f"Project-{command.project_id}"
    assert result.aggregate_id == command.project_id
    assert result.event_ids == (event.event_id,)
    assert result.version == 0
    assert result.position == event.position
    assert not result.already_recorded


def test_creating_the_same_project_again_is_a_no_op_that_answers_as_the_first_time(store, repo):
    command = create_project_command()
    first = handle(command, repo)
    again = create_project_command(command.slug, command_id=uuid.uuid4())
    result = handle(again, type(repo)(store))  # a fresh repository: a separate pipeline run
    assert result.already_recorded
    assert (result.event_ids, result.version, result.position) == (
        first.event_ids,
        first.version,
        first.position,
    )
    assert len(store.read_stream(first.stream)) == 1


def test_it_refuses_to_create_a_different_project_under_an_existing_id(store, repo):
    command = create_project_command()
    first = handle(command, repo)
    with pytest.raises(AlreadyExists, match="name"):
        handle(create_project_command(command.slug, name="Other"), repo)
    assert len(store.read_stream(first.stream)) == 1


def test_a_project_id_must_be_derived_from_its_slug(store, repo):
    # Otherwise two projects could share a slug, which ingest and uploads look projects up by.
    command = create_project_command(project_id=uuid.uuid4())
    with pytest.raises(InvalidCommand, match="project_id_for_slug"):
        handle(command, repo)
    assert store.read_stream(f"Project-{command.project_id}") == []


def test_it_appends_nothing_for_an_invalid_project(store, repo):
    command = create_project_command(slug="Not A Slug")
    with pytest.raises(InvalidCommand, match="slug"):
        handle(command, repo)
    assert store.read_stream(f"Project-{command.project_id}") == []


def test_it_updates_a_project_at_the_version_the_user_saw(store, repo):
    created = handle(create_project_command(), repo)
    result = handle(
        UpdateProject(
            actor=OWNER,
            project_id=created.aggregate_id,
            expected_version=0,
            name="Tooling study 2025",
        ),
        repo,
    )
    event = store.read_stream(created.stream)[-1]
    assert event.event_type == "ProjectUpdated"
    assert event.data == {
        "changes": {"name": {"old": "Tooling study", "new": "Tooling study 2025"}}
    }
    assert result.version == 1


def test_it_reports_an_update_of_a_missing_project_as_not_found(repo):
    with pytest.raises(NotFound):
        handle(
            UpdateProject(actor=OWNER, project_id=uuid.uuid4(), expected_version=0, name="X"),
            repo,
        )
