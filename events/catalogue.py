"""The event catalogue (docs/architecture.md, Events): one pydantic schema per event type, validated
on append.

A schema change bumps the type's `schema_version` and registers an upcaster from the old version,
so events written long ago still load as the current shape (see `upcast`).
"""

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from events.dimensions import (
    DEFAULT_DOMAIN_KEYWORDS,
    InvalidDimensionValue,
    normalise_keyword,
    validate_value,
)
from events.text import find_text_problem

NonEmpty = Annotated[str, Field(min_length=1, max_length=10_000)]
Reason = Annotated[str, Field(min_length=1, max_length=2_000)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
InterviewStatus = Literal["uploaded", "processing", "analyzed", "failed", "archived"]
INTERVIEW_STATUSES: tuple[str, ...] = InterviewStatus.__args__  # type: ignore[attr-defined]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class UnknownEventType(ValueError):
    pass


class EventSchemaError(ValueError):
    """The data of an event does not match its type's schema."""


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    event_type: ClassVar[str]
    aggregate_type: ClassVar[str]  # the stream category the event belongs to
    schema_version: ClassVar[int] = 1


class FieldChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    old: Any = None
    new: Any = None


def _check_dimension_values(values: Mapping[str, Any]) -> dict[str, Any]:
    # Domain keywords are checked against the project's list by the command handler; here only
    # their shape can be checked.
    try:
        return {name: validate_value(name, value) for name, value in values.items()}
    except InvalidDimensionValue as e:
        raise ValueError(str(e)) from None


def _keywords(value: list[str]) -> list[str]:
    try:
        return [normalise_keyword(v) for v in value]
    except InvalidDimensionValue as e:
        raise ValueError(str(e)) from None


# --- Project ---------------------------------------------------------------------------------


class ProjectCreated(Payload):
    event_type = "ProjectCreated"
    aggregate_type = "Project"
    schema_version = 2  # v1 had no domain_keywords; see _project_created_v1_to_v2
    name: NonEmpty
    slug: Annotated[str, Field(min_length=1, max_length=100, pattern=SLUG.pattern)]
    domain_keywords: list[str]

    _clean_keywords = field_validator("domain_keywords")(_keywords)


class ProjectUpdated(Payload):
    event_type = "ProjectUpdated"
    aggregate_type = "Project"
    changes: dict[Literal["name", "domain_keywords"], FieldChange] = Field(min_length=1)


# --- Interview -------------------------------------------------------------------------------


class InterviewCreated(Payload):
    event_type = "InterviewCreated"
    aggregate_type = "Interview"
    project_id: uuid.UUID
    title: NonEmpty
    source_filename: Annotated[str, Field(max_length=500)]
    content_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    language: Annotated[str, Field(min_length=2, max_length=20)] = "en"
    participants: list[NonEmpty] = []
    recorded_on: date | None = None
    metadata: dict[str, Any] = {}


class InterviewMetadataUpdated(Payload):
    event_type = "InterviewMetadataUpdated"
    aggregate_type = "Interview"
    changes: dict[
        Literal["title", "language", "participants", "recorded_on", "metadata"], FieldChange
    ] = Field(min_length=1)


class InterviewStatusChanged(Payload):
    event_type = "InterviewStatusChanged"
    aggregate_type = "Interview"
    from_status: InterviewStatus
    to_status: InterviewStatus
    reason: str | None = None


# --- Sentence: every payload carries interview_id and project_id so projections can route and
# authorise it without lookups (docs/architecture.md, Standing rule 3). --------------------------


class SentencePayload(Payload):
    aggregate_type = "Sentence"
    interview_id: uuid.UUID
    project_id: uuid.UUID


class SentenceCreated(SentencePayload):
    event_type = "SentenceCreated"
    index: Annotated[int, Field(ge=0)]
    text: NonEmpty
    speaker: str | None = None
    start_char: Annotated[int, Field(ge=0)]
    end_char: Annotated[int, Field(ge=0)]
    start_ms: Annotated[int, Field(ge=0)] | None = None
    end_ms: Annotated[int, Field(ge=0)] | None = None


class SentenceEdited(SentencePayload):
    event_type = "SentenceEdited"
    old_text: NonEmpty
    new_text: NonEmpty
    reason: Reason


class AnalysisGenerated(SentencePayload):
    event_type = "AnalysisGenerated"
    analyzer: NonEmpty
    model: str
    model_version: str
    prompt_version: str
    values: dict[str, Any]
    confidence: dict[str, Confidence]

    _check_values = field_validator("values")(_check_dimension_values)


class AnalysisOverridden(SentencePayload):
    event_type = "AnalysisOverridden"
    fields: dict[str, Any] = Field(min_length=1)
    previous: dict[str, Any]
    reason: Reason

    _check_fields = field_validator("fields")(_check_dimension_values)


class AnalysisOverrideReverted(SentencePayload):
    event_type = "AnalysisOverrideReverted"
    fields: list[str] = Field(min_length=1)
    reason: Reason


class AnalysisCleared(SentencePayload):
    event_type = "AnalysisCleared"
    reason: Reason


class SentenceReviewed(SentencePayload):
    event_type = "SentenceReviewed"
    decision: Literal["confirmed"]
    note: str | None = None


CATALOGUE: dict[str, type[Payload]] = {
    cls.event_type: cls
    for cls in (
        ProjectCreated,
        ProjectUpdated,
        InterviewCreated,
        InterviewMetadataUpdated,
        InterviewStatusChanged,
        SentenceCreated,
        SentenceEdited,
        AnalysisGenerated,
        AnalysisOverridden,
        AnalysisOverrideReverted,
        AnalysisCleared,
        SentenceReviewed,
    )
}


def schema_for(event_type: str) -> type[Payload]:
    try:
        return CATALOGUE[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def validate(
    event_type: str, data: Mapping[str, Any], *, aggregate_type: str
) -> tuple[int, dict[str, Any]]:
    """Validate `data` against the current schema; return (schema_version, JSON-ready data)."""
    schema = schema_for(event_type)
    if schema.aggregate_type != aggregate_type:
        raise EventSchemaError(
            f"{event_type} belongs to {schema.aggregate_type} streams, not {aggregate_type}"
        )
    # Every string of every event type, at any depth (events.text says which are refused and
    # why). Its characters are checked before pydantic sees the data, so the message names the
    # field and never echoes the string; then everything, lengths included, on what pydantic
    # made of it (a field's own, tighter bound is pydantic's to report).
    refuse_invalid_text(event_type, data, length=False)
    try:
        payload = schema.model_validate(dict(data))
    except ValidationError as e:
        raise EventSchemaError(f"{event_type}: {e}") from e
    clean = payload.model_dump(mode="json")
    refuse_invalid_text(event_type, clean)
    return schema.schema_version, clean


def refuse_invalid_text(what: str, data: object, *, length: bool = True) -> None:
    """EventSchemaError naming the field of `data` (of `what`) that is not acceptable text."""
    if found := find_text_problem(data, length=length):
        where, problem = found
        raise EventSchemaError(f"{what}: {where}: {problem}")


# --- Upcasting -------------------------------------------------------------------------------

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning `event_type` data of `from_version` into `from_version + 1`."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def upcast(event_type: str, schema_version: int, data: Mapping[str, Any]) -> tuple[int, dict]:
    """Bring stored data up to the current schema version, one registered step at a time."""
    current = schema_for(event_type).schema_version
    upgraded = dict(data)
    while schema_version < current:
        step = UPCASTERS.get((event_type, schema_version))
        if step is None:
            raise EventSchemaError(
                f"no upcaster for {event_type} v{schema_version} (current is v{current})"
            )
        upgraded = step(upgraded)
        schema_version += 1
    if schema_version > current:
        raise EventSchemaError(
            f"{event_type} v{schema_version} is newer than this code knows (v{current})"
        )
    return schema_version, upgraded


@upcaster("ProjectCreated", 1)
def _project_created_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # Projects created before per-project domain keyword lists used the default list.
    return {**data, "domain_keywords": list(DEFAULT_DOMAIN_KEYWORDS)}
