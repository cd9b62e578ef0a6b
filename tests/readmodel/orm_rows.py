"""Read-model rows written straight with the ORM, for tests of code that only reads them.

Digest and export never write, so their tests need rows, not a projector: these builders make
valid-looking rows with fixed ids and times (so digests can be compared across databases).
"""

import datetime as dt
import uuid
from typing import Any

from readmodel.models import Interview, Project, Sentence

T0 = dt.datetime(2025, 1, 2, 9, 30, 0, 123456, tzinfo=dt.UTC)


def fixed_id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def project_row(n: int = 1, **fields: Any) -> Project:
    defaults: dict[str, Any] = {
        "id": fixed_id(0x1000 + n),
        "name": f"Project {n}",
        "slug": f"project-{n}",
        "domain_keywords": ["Jira", "Scrum"],
        "created_at": T0,
        "version": 1,
    }
    return Project(**{**defaults, **fields})


def interview_row(project: Project, n: int = 1, **fields: Any) -> Interview:
    defaults: dict[str, Any] = {
        "id": fixed_id(0x2000 + n),
        "project": project,
        "title": f"Interview {n}",
        "source_filename": f"interview-{n}.txt",
        "content_sha256": "ab" * 32,
        "language": "en",
        "participants": ["Maya", "Ade"],
        "recorded_on": dt.date(2024, 12, 1),
        "metadata": {"team": "platform", "round": 2},
        "status": "analysed",
        "created_at": T0 + dt.timedelta(minutes=n),
        "updated_at": T0 + dt.timedelta(hours=n),
        "sentence_count": 2,
        "analyzed_count": 1,
        "version": 3,
    }
    return Interview(**{**defaults, **fields})


def sentence_row(interview: Interview, index: int = 0, **fields: Any) -> Sentence:
    text = fields.pop("text", f"Sentence {index} of {interview.title}.")
    defaults: dict[str, Any] = {
        "id": fixed_id(0x3000 + 100 * (interview.id.int - 0x2000) + index),
        "interview": interview,
        "project_id": interview.project_id,
        "index": index,
        "speaker": "Maya",
        "original_text": text,
        "text": text,
        "start_char": 10 * index,
        "end_char": 10 * index + len(text),
        "updated_at": T0 + dt.timedelta(seconds=index),
        "version": 1,
    }
    return Sentence(**{**defaults, **fields})


AI_VALUES = {
    "function_type": "declarative",
    "structure_type": "complex",
    "purpose": "Statement",
    "topic_level_1": "tools",
    "topic_level_3": "pain points",
    "overall_keywords": ["release train", "jira board"],
    "domain_keywords": ["Jira"],
}
AI_CONFIDENCE = {
    "function_type": 0.93,
    "structure_type": 0.61,
    "purpose": 0.5,
    "topic_level_1": 0.72,
    "topic_level_3": 0.4,
    "overall_keywords": 0.35,
    "domain_keywords": 1.0,
}
REVIEWER = {"type": "human", "id": "7", "display": "Ada Reviewer"}


def analysed(**fields: Any) -> dict[str, Any]:
    """Fields of a sentence analysed by the heuristic analyzer, purpose overridden, reviewed."""
    effective = {**AI_VALUES, "purpose": "Answer"}
    return {
        "ai_values": AI_VALUES,
        "ai_confidence": AI_CONFIDENCE,
        "analyzer": "heuristic",
        "model": "rules",
        "model_version": "1.2",
        "prompt_version": "p1",
        "analysed_at": T0,
        "overrides": {"purpose": "Answer"},
        "override_meta": {
            "purpose": {
                "actor": REVIEWER,
                "at": "2025-01-03T08:00:00+00:00",
                "reason": "it answers the question before",
            }
        },
        "overridden": True,
        "effective": effective,
        "function_type": "declarative",
        "structure_type": "complex",
        "purpose": "Answer",
        "topic_level_1": "tools",
        "topic_level_3": "pain points",
        "min_confidence": 0.35,
        "reviewed": True,
        "reviewed_by": REVIEWER,
        "reviewed_at": T0 + dt.timedelta(days=1),
        "review_note": "checked",
        **fields,
    }


def fixture_rows() -> list[Project | Interview | Sentence]:
    """Two projects, three interviews, four sentences (unsaved), parents first."""
    p1, p2 = project_row(1), project_row(2, domain_keywords=[])
    i1 = interview_row(p1, 1)
    i2 = interview_row(p1, 2, blocked=True)
    i3 = interview_row(p2, 3, recorded_on=None)
    return [
        *(p1, p2, i1, i2, i3),
        sentence_row(i1, 0, **analysed()),
        sentence_row(i1, 1, speaker=None),
        sentence_row(i2, 0, edited=True),
        sentence_row(i3, 0),
    ]


def save(rows: list[Project | Interview | Sentence], *, reverse: bool = False) -> None:
    """Insert `rows`, optionally children first: the model has no FK constraints, on purpose."""
    for row in reversed(rows) if reverse else rows:
        row.save(force_insert=True)
