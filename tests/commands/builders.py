"""The cast and small builders shared by the command tests."""

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from commands.aggregates import Cause, project_id_for_slug
from commands.bus import handle
from commands.messages import (
    ChangeInterviewStatus,
    CreateInterview,
    CreateProject,
    CreateSentence,
    RecordAnalysis,
)
from commands.repository import Repository
from events.envelope import Actor
from events.store import EventStore

PIPELINE = Actor.system("pipeline")
HEURISTIC = Actor.ai("heuristic")
OWNER = Actor.human(1, "Olga Owner")
REVIEWER = Actor.human(7, "Rita Reviewer")
SECOND_REVIEWER = Actor.human(8, "Sam Second")

PROJECT_KEYWORDS = ("Jira", "Scrum", "Kanban")

AI_VALUES: dict[str, Any] = {
    "function_type": "declarative",
    "structure_type": "simple",
    "purpose": "Statement",
    "topic_level_1": "tools",
    "topic_level_3": "tools",
    "overall_keywords": ["ticket tracking"],
    "domain_keywords": ["Jira"],
}


def cause(actor: Actor = REVIEWER) -> Cause:
    command_id = uuid.uuid4()
    return Cause(actor, command_id, command_id)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class World:
    """One project, one interview and one sentence, created through the handlers."""

    store: EventStore
    repo: Repository
    project_id: uuid.UUID
    interview_id: uuid.UUID
    sentence_id: uuid.UUID

    def version(self, aggregate_type: str, aggregate_id: uuid.UUID) -> int | None:
        return self.store.current_version(f"{aggregate_type}-{aggregate_id}")

    @property
    def sentence_stream(self) -> str:
        return f"Sentence-{self.sentence_id}"


def create_project_command(slug: str | None = None, **changes: Any) -> CreateProject:
    """A new project (a fresh slug), or the project of `slug` again."""
    slug = slug or f"tooling-{uuid.uuid4().hex[:8]}"
    fields: dict[str, Any] = {
        "actor": PIPELINE,
        "project_id": project_id_for_slug(slug),
        "name": "Tooling study",
        "slug": slug,
        "domain_keywords": PROJECT_KEYWORDS,
    }
    return CreateProject(**{**fields, **changes})


def create_interview_command(project_id: uuid.UUID, **changes: Any) -> CreateInterview:
    fields: dict[str, Any] = {
        "actor": PIPELINE,
        "interview_id": uuid.uuid4(),
        "project_id": project_id,
        "title": "Interview with Maya",
        "source_filename": "maya.txt",
        "content_sha256": sha256("Maya: We track everything in Jira."),
        "participants": ("Maya", "Interviewer"),
    }
    return CreateInterview(**{**fields, **changes})


def create_sentence_command(interview_id: uuid.UUID, **changes: Any) -> CreateSentence:
    text = changes.pop("text", "We track everything in Jira.")
    fields: dict[str, Any] = {
        "actor": PIPELINE,
        "interview_id": interview_id,
        "index": 0,
        "text": text,
        "speaker": "Maya",
        "start_char": 6,
        "end_char": 6 + len(text),
    }
    return CreateSentence(**{**fields, **changes})


def record_analysis_command(sentence_id: uuid.UUID, **changes: Any) -> RecordAnalysis:
    fields: dict[str, Any] = {
        "actor": HEURISTIC,
        "sentence_id": sentence_id,
        "analyzer": "heuristic",
        "model": "rules",
        "model_version": "1",
        "prompt_version": "none",
        "values": AI_VALUES,
        "confidence": {"function_type": 0.9, "purpose": 0.5},
    }
    return RecordAnalysis(**{**fields, **changes})


def build_world(store: EventStore, *, analysed: bool = True) -> World:
    repo = Repository(store)
    project = handle(create_project_command(), repo)
    interview = handle(create_interview_command(project.aggregate_id), repo)
    sentence = handle(create_sentence_command(interview.aggregate_id), repo)
    if analysed:
        handle(record_analysis_command(sentence.aggregate_id), repo)
    return World(store, repo, project.aggregate_id, interview.aggregate_id, sentence.aggregate_id)


def archive(world: World) -> None:
    """The owner archives the world's interview."""
    handle(
        ChangeInterviewStatus(
            actor=OWNER,
            interview_id=world.interview_id,
            to_status="archived",
            reason="done",
            expected_version=world.version("Interview", world.interview_id),
        ),
        world.repo,
    )
