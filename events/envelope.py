"""The event envelope: what callers append (NewEvent) and what the store returns (RecordedEvent)."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

AGGREGATE_TYPES = ("Project", "Interview", "Sentence")
# The one spelling of a UUID in a stream name: str(uuid.UUID), lower-case with hyphens. uuid.UUID
# also parses upper case, braces, "urn:uuid:" and no hyphens, but those would name other
# streams (EventStoreDB compares names as strings, and its server-side filter is this regex).
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CANONICAL_UUID = re.compile(UUID_PATTERN)


class ActorType(StrEnum):
    HUMAN = "human"
    SYSTEM = "system"
    AI = "ai"


@dataclass(frozen=True)
class Actor:
    """Who caused an event. For humans `id` is the authenticated user's primary key."""

    type: ActorType
    id: str
    display: str = ""

    @classmethod
    def system(cls, name: str) -> "Actor":
        return cls(ActorType.SYSTEM, name, f"system:{name}")

    @classmethod
    def ai(cls, analyzer: str) -> "Actor":
        return cls(ActorType.AI, analyzer, f"ai:{analyzer}")

    @classmethod
    def human(cls, user_id: object, display: str) -> "Actor":
        return cls(ActorType.HUMAN, str(user_id), display)

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type.value, "id": self.id, "display": self.display}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "Actor":
        return cls(ActorType(raw["type"]), str(raw["id"]), str(raw.get("display", "")))

    def __str__(self) -> str:
        return f"{self.type.value}:{self.id}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def stream_name(aggregate_type: str, aggregate_id: uuid.UUID) -> str:
    return f"{aggregate_type}-{aggregate_id}"


def parse_stream(stream: str) -> tuple[str, uuid.UUID]:
    """Split `Sentence-<uuid>` into ("Sentence", UUID). Raises ValueError for other shapes,
    including a UUID not spelt canonically (see UUID_PATTERN)."""
    category, sep, raw_id = stream.partition("-")
    if not sep or category not in AGGREGATE_TYPES:
        raise ValueError(f"stream {stream!r} is not <{'|'.join(AGGREGATE_TYPES)}>-<uuid>")
    if not _CANONICAL_UUID.fullmatch(raw_id):
        raise ValueError(
            f"stream {stream!r} does not end in a UUID in canonical form (lower-case hex with"
            " hyphens, e.g. 3f2b8c1e-0d4a-4e6b-9c2f-7a1d5e8b9c0d)"
        )
    return category, uuid.UUID(raw_id)


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended. `data` is validated against the catalogue on append."""

    event_type: str
    data: Mapping[str, Any]
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class RecordedEvent:
    """An event as stored, upcast to the current schema version of its type."""

    event_id: uuid.UUID
    event_type: str
    schema_version: int
    stream: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    version: int
    position: int
    occurred_at: datetime
    recorded_at: datetime
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID
    data: Mapping[str, Any]

    def as_json_dict(self) -> dict[str, Any]:
        """All envelope fields as JSON-ready values (used by `events tail --json` and exports)."""
        return {
            "event_id": str(self.event_id),
            "event_type": self.event_type,
            "schema_version": self.schema_version,
            "stream": self.stream,
            "aggregate_type": self.aggregate_type,
            "aggregate_id": str(self.aggregate_id),
            "version": self.version,
            "position": self.position,
            "occurred_at": self.occurred_at.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "actor": self.actor.as_dict(),
            "correlation_id": str(self.correlation_id),
            "causation_id": str(self.causation_id),
            "data": dict(self.data),
        }
