"""Loading aggregates from the real store and appending what they recorded."""

import uuid

import pytest

from commands.aggregates import Project, project_id_for_slug
from commands.bus import handle
from commands.errors import InvalidCommand
from commands.messages import UpdateProject
from commands.repository import Repository
from events.store import NO_STREAM
from tests.commands.builders import OWNER, PIPELINE, cause, create_project_command

pytestmark = pytest.mark.django_db


def test_a_stream_that_does_not_exist_gives_a_new_aggregate(repo):
    project = repo.get(Project, uuid.uuid4())
    assert project.version is None
    assert not project.exists


def test_it_saves_pending_events_and_moves_the_aggregate_to_the_stored_version(store, repo):
    project = repo.get(Project, project_id_for_slug("tooling"))
    project.create(name="Tooling", slug="tooling", domain_keywords=[], cause=cause(PIPELINE))
    result = repo.save(project, NO_STREAM)
    assert (result.version, project.version, project.pending) == (0, 0, [])
    assert Repository(store).get(Project, project.id) == project


def test_it_refuses_to_save_an_aggregate_with_nothing_pending(repo):
    with pytest.raises(ValueError, match="no pending events"):
        repo.save(repo.get(Project, uuid.uuid4()), NO_STREAM)


def test_a_loaded_aggregate_catches_up_with_events_appended_elsewhere(store, repo):
    created = handle(create_project_command(), repo)
    project = repo.get(Project, created.aggregate_id)
    handle(
        UpdateProject(actor=OWNER, project_id=project.id, expected_version=0, name="Renamed"),
        Repository(store),
    )
    again = repo.get(Project, created.aggregate_id)
    assert (again.version, again.name) == (1, "Renamed")


def test_events_left_pending_by_a_failed_command_do_not_leak_into_the_next(repo):
    created = handle(create_project_command(), repo)
    project = repo.get(Project, created.aggregate_id)
    project.update(name="Never saved", cause=cause(OWNER))
    again = repo.get(Project, created.aggregate_id)
    assert again.pending == []
    assert again.name == "Tooling study"


def test_an_event_id_already_used_in_another_stream_is_an_invalid_command(store, repo):
    taken = handle(create_project_command(), repo).event_ids[0]
    command = create_project_command(event_id=taken)
    with pytest.raises(InvalidCommand, match="already used"):
        handle(command, repo)
    assert store.read_stream(f"Project-{command.project_id}") == []
