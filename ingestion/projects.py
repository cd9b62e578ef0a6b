"""Finding a project by slug for ingestion, creating it when it does not exist yet."""

from uuid import uuid5

from commands.aggregates import Project, project_id_for_slug
from commands.bus import handle
from commands.messages import CreateProject
from commands.repository import Repository
from events.envelope import Actor
from events.store import EventStore


def ensure_project(slug: str, *, store: EventStore, actor: Actor) -> Project:
    """The project with `slug`, created (named after the slug) if missing.

    Raises InvalidCommand for a malformed slug. Safe under concurrent callers: the creation is
    idempotent, so two ingests racing to create the same project both get it.
    """
    repo = Repository(store)
    project_id = project_id_for_slug(slug)
    project = repo.get(Project, project_id)
    if not project.exists:
        handle(
            CreateProject(
                actor=actor,
                command_id=uuid5(project_id, "create-project"),
                project_id=project_id,
                name=slug.replace("-", " ").strip().capitalize() or slug,
                slug=slug,
            ),
            repo,
        )
        project = repo.get(Project, project_id)
    return project
