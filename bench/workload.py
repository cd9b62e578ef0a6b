"""The appends both implementations perform: the same shapes of events on the same streams.

Events are realistic Sentence events: a stream starts with SentenceCreated and then receives
AnalysisGenerated events (what the analysis pipeline writes most). Plans are built before the
clock starts, so the measurements time writing only, never event construction.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events import catalogue
from events.envelope import Actor, NewEvent, parse_stream, stream_name
from events.store import NO_STREAM, ExpectedVersion

PIPELINE = Actor.system("pipeline")
ANALYZER = Actor.ai("sentence-analyzer")


@dataclass(frozen=True)
class Append:
    """One call to `append`: events for one stream, with the version the stream is expected at."""

    stream: str
    events: tuple[NewEvent, ...]
    expected_version: ExpectedVersion

    @property
    def first_version(self) -> int:
        """The version the first event gets (the baseline writes it without asking the table)."""
        return 0 if self.expected_version is NO_STREAM else int(self.expected_version) + 1


@dataclass(frozen=True)
class _Sentence:
    stream: str
    interview_id: str
    project_id: str
    index: int


def _sentences(count: int) -> list[_Sentence]:
    project_id, interview_id = str(uuid.uuid4()), str(uuid.uuid4())
    return [
        _Sentence(stream_name("Sentence", uuid.uuid4()), interview_id, project_id, i)
        for i in range(count)
    ]


def _event(sentence: _Sentence, version: int) -> NewEvent:
    """The event at `version` of a sentence stream: SentenceCreated, then AnalysisGenerated."""
    ids: dict[str, Any] = {
        "interview_id": sentence.interview_id,
        "project_id": sentence.project_id,
    }
    envelope: dict[str, Any] = {"correlation_id": uuid.uuid4(), "causation_id": uuid.uuid4()}
    if version == 0:
        text = f"We moved the sprint review to Thursdays, sentence {sentence.index}."
        data = {
            **ids,
            "index": sentence.index,
            "text": text,
            "speaker": "Maya",
            "start_char": 0,
            "end_char": len(text),
        }
        return NewEvent("SentenceCreated", data, PIPELINE, **envelope)
    data = {
        **ids,
        "analyzer": "sentence-analyzer",
        "model": "gpt-4o-mini",
        "model_version": "2024-07-18",
        "prompt_version": f"v{version}",
        "values": {
            "function_type": "declarative",
            "structure_type": "simple",
            "purpose": "Statement",
            "topic_level_1": "processes",
            "topic_level_3": "tools",
            "overall_keywords": ["sprint review", "thursday"],
            "domain_keywords": ["Scrum", "Sprint"],
        },
        "confidence": {"function_type": 0.97, "purpose": 0.81, "topic_level_1": 0.74},
    }
    return NewEvent("AnalysisGenerated", data, ANALYZER, **envelope)


def round_robin(streams: int, appends: int) -> list[Append]:
    """`appends` single-event appends cycling over `streams` new streams, each with its
    expected version (NO_STREAM for a stream's first append), as a busy pipeline would."""
    sentences = _sentences(streams)
    plan = []
    for i in range(appends):
        sentence, version = sentences[i % streams], i // streams
        expected = NO_STREAM if version == 0 else version - 1
        plan.append(Append(sentence.stream, (_event(sentence, version),), expected))
    return plan


def batches(count: int, size: int) -> list[Append]:
    """`count` appends of `size` events each, every one creating a new stream."""
    return [
        Append(s.stream, tuple(_event(s, v) for v in range(size)), NO_STREAM)
        for s in _sentences(count)
    ]


def row(event: NewEvent, stream: str, version: int, recorded_at: datetime) -> dict[str, Any]:
    """The columns of `event_store` for one event, as Python values (drivers adapt them)."""
    category, aggregate_id = parse_stream(stream)
    return {
        "event_id": event.event_id,
        "stream": stream,
        "category": category,
        "aggregate_id": aggregate_id,
        "version": version,
        "event_type": event.event_type,
        "schema_version": catalogue.schema_for(event.event_type).schema_version,
        "occurred_at": event.occurred_at,
        "recorded_at": recorded_at,
        "actor": event.actor.as_dict(),
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
        "data": event.data,
    }
