import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from access.services import grant
from commands.aggregates import project_id_for_slug
from events.wiring import get_event_store
from readmodel.models import Project
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def a_project(slug: str) -> Project:
    return Project.objects.create(
        id=project_id_for_slug(slug),
        name=slug.title(),
        slug=slug,
        domain_keywords=["Jira", "Scrum"],
        created_at=timezone.now(),
        version=0,
    )


@pytest.fixture
def cast():
    ours, theirs = a_project("ours"), a_project("theirs")
    viewer = User.objects.create_user("vera", password="pw-tests-only")
    outsider = User.objects.create_user("otto", password="pw-tests-only")
    staff = User.objects.create_user("sam", password="pw-tests-only", is_staff=True)
    grant(username="vera", project_slug="ours", role="viewer")
    return {"ours": ours, "theirs": theirs, "viewer": viewer, "outsider": outsider, "staff": staff}


def test_a_member_lists_only_the_projects_they_belong_to(cast):
    response = client_for(cast["viewer"]).get("/api/v1/projects/")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == ["ours"]
    assert response.json()[0]["id"] == str(cast["ours"].id)


def test_a_non_member_gets_404_for_a_project_that_exists(cast):
    response = client_for(cast["outsider"]).get(f"/api/v1/projects/{cast['ours'].id}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_member_reads_the_project_and_its_domain_keywords(cast):
    client = client_for(cast["viewer"])
    assert client.get(f"/api/v1/projects/{cast['ours'].id}/").json()["slug"] == "ours"
    keywords = client.get(f"/api/v1/projects/{cast['ours'].id}/domain-keywords/")
    assert keywords.json() == ["Jira", "Scrum"]


def test_anonymous_requests_get_401_as_a_problem():
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"


def test_staff_create_a_project_through_a_command_as_themselves(cast):
    response = client_for(cast["staff"]).post(
        "/api/v1/projects/",
        {"name": "New study", "slug": "new-study", "actor": {"id": "someone-else"}},
        format="json",
        HTTP_X_USER_ID="999",
    )
    assert response.status_code == 202
    assert response["Location"] == f"/api/v1/projects/{project_id_for_slug('new-study')}/"
    [event] = get_event_store().read_stream(f"Project-{project_id_for_slug('new-study')}")
    assert event.position == response.json()["position"]
    assert (event.actor.id, event.actor.display) == (str(cast["staff"].pk), "sam")


def test_non_staff_cannot_create_projects(cast):
    response = client_for(cast["viewer"]).post(
        "/api/v1/projects/", {"name": "X", "slug": "x"}, format="json"
    )
    assert response.status_code == 403
    assert get_event_store().head_position() == 0


def test_invalid_fields_get_400_with_field_errors_and_nothing_written(cast):
    response = client_for(cast["staff"]).post(
        "/api/v1/projects/", {"name": "", "slug": "Not A Slug"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "slug"}
    assert get_event_store().head_position() == 0


def test_the_schema_and_docs_are_served(cast):
    client = client_for(cast["viewer"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/projects/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/sentences/{sentence_id}/override/" in target.read_text()
