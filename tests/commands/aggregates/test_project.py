"""The Project aggregate on its own: no store, no Django."""

import uuid

import pytest

from commands.aggregates import Project, project_id_for_slug
from commands.errors import AlreadyExists, InvalidCommand, NotFound
from tests.commands.builders import PIPELINE, REVIEWER, cause


def a_project(**changes) -> Project:
    project = Project(id=project_id_for_slug(changes.get("slug", "tooling")))
    fields = {"name": "Tooling", "slug": "tooling", "domain_keywords": ["Jira", "Scrum"]}
    project.create(**{**fields, **changes}, cause=cause(PIPELINE))
    return project


def test_it_records_the_creation_with_a_cleaned_keyword_list():
    project = a_project(name="  Tooling  ", domain_keywords=[" Jira ", "jira", "User   Story"])
    [event] = project.pending
    assert event.event_type == "ProjectCreated"
    assert event.data == {
        "name": "Tooling",
        "slug": "tooling",
        "domain_keywords": ["Jira", "User Story"],
    }
    assert project.domain_keywords == ("Jira", "User Story")


@pytest.mark.parametrize("name", ["", "   "])
def test_it_rejects_a_blank_name(name):
    with pytest.raises(InvalidCommand, match="name"):
        a_project(name=name)


@pytest.mark.parametrize("slug", ["Tooling", "tool ing", "-tooling", "tooling-", "a--b", ""])
def test_it_rejects_a_slug_outside_the_pattern(slug):
    with pytest.raises(InvalidCommand, match="slug"):
        a_project(slug=slug)


def test_it_rejects_a_blank_domain_keyword():
    with pytest.raises(InvalidCommand, match="blank"):
        a_project(domain_keywords=["Jira", "  "])


def test_it_treats_creating_it_again_with_the_same_content_as_done():
    project = a_project()
    project.mark_saved(0)
    project.create(
        name="Tooling", slug="tooling", domain_keywords=["Jira", "Scrum"], cause=cause(PIPELINE)
    )
    assert project.pending == []


def test_it_refuses_to_be_created_again_with_other_content():
    project = a_project()
    project.mark_saved(0)
    with pytest.raises(AlreadyExists) as error:
        project.create(
            name="Other", slug="tooling", domain_keywords=["Jira", "Scrum"], cause=cause()
        )
    assert error.value.differences == ["name"]


def test_it_records_only_the_fields_an_update_changes_with_old_and_new_values():
    project = a_project()
    project.update(name="Tooling", domain_keywords=["Jira", "Scrum", "Kanban"], cause=cause())
    event = project.pending[-1]
    assert event.event_type == "ProjectUpdated"
    assert event.data == {
        "changes": {
            "domain_keywords": {"old": ["Jira", "Scrum"], "new": ["Jira", "Scrum", "Kanban"]}
        }
    }
    assert project.domain_keywords == ("Jira", "Scrum", "Kanban")


def test_it_rejects_an_update_that_changes_nothing():
    project = a_project()
    with pytest.raises(InvalidCommand, match="changes nothing"):
        project.update(name=" Tooling ", cause=cause(REVIEWER))


def test_it_cannot_update_a_project_that_does_not_exist():
    with pytest.raises(NotFound):
        Project(id=uuid.uuid4()).update(name="New", cause=cause())
