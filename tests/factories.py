"""Small builders of valid events for tests."""

import uuid
from typing import Any

from events.envelope import Actor, NewEvent, stream_name

PIPELINE = Actor.system("pipeline")


def new_event(event_type: str, data: dict[str, Any], **envelope: Any) -> NewEvent:
    envelope.setdefault("actor", PIPELINE)
    envelope.setdefault("correlation_id", uuid.uuid4())
    envelope.setdefault("causation_id", uuid.uuid4())
    return NewEvent(event_type=event_type, data=data, **envelope)


def project_stream() -> str:
    return stream_name("Project", uuid.uuid4())


def sentence_stream() -> str:
    return stream_name("Sentence", uuid.uuid4())


def project_created(name: str = "Demo", **envelope: Any) -> NewEvent:
    return new_event(
        "ProjectCreated",
        {"name": name, "slug": "demo", "domain_keywords": ["Jira", "Scrum"]},
        **envelope,
    )


def project_renamed(old: str, new: str, **envelope: Any) -> NewEvent:
    return new_event("ProjectUpdated", {"changes": {"name": {"old": old, "new": new}}}, **envelope)


def sentence_created(index: int = 0, text: str = "Hello there.", **envelope: Any) -> NewEvent:
    data = {
        "interview_id": str(uuid.uuid4()),
        "project_id": str(uuid.uuid4()),
        "index": index,
        "text": text,
        "speaker": "Maya",
        "start_char": 0,
        "end_char": len(text),
    }
    return new_event("SentenceCreated", data, **envelope)
