"""The commands: imperative, immutable requests to change one aggregate.

Every command names its actor explicitly — the edge fills it from the authenticated user or the
pipeline's identity, never from anything the client sends (docs/architecture.md, Corrections;
Standing rule 2). Human commands also carry the stream version the user saw, so a change made
meanwhile by someone else is reported back instead of overwritten
(docs/architecture.md, Standing rule 1).

Each command records exactly one event type (`records`); the bus routes each to one handler.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID, uuid4

from commands.aggregates.base import UNCHANGED, Cause, Unchanged
from commands.aggregates.sentence import sentence_id
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS
from events.envelope import Actor


@dataclass(frozen=True, kw_only=True)
class Command:
    records: ClassVar[str]  # the event type the command's handler appends

    actor: Actor
    command_id: UUID = field(default_factory=uuid4)
    correlation_id: UUID | None = None  # None: the command starts a new correlation
    # An explicit id for the recorded event, for callers that must be idempotent across runs
    # (the store turns re-appending a recorded id into a no-op). By default the id is derived
    # from command_id, which makes re-sending the same command object safe as well.
    event_id: UUID | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.actor, Actor):
            # Guards against an actor smuggled in as a dict or a header string.
            raise TypeError(f"actor must be an events.envelope.Actor, not {type(self.actor)}")
        if self.correlation_id is None:
            object.__setattr__(self, "correlation_id", self.command_id)

    @property
    def cause(self) -> Cause:
        assert self.correlation_id is not None  # set in __post_init__
        return Cause(self.actor, self.command_id, self.correlation_id, self.event_id)


@dataclass(frozen=True, kw_only=True)
class HumanCommand(Command):
    """A change an expert makes from what they saw: `expected_version` is that stream version."""

    expected_version: int


# --- Project ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreateProject(Command):
    records = "ProjectCreated"

    project_id: UUID
    name: str
    slug: str
    domain_keywords: tuple[str, ...] = DEFAULT_DOMAIN_KEYWORDS


@dataclass(frozen=True, kw_only=True)
class UpdateProject(HumanCommand):
    records = "ProjectUpdated"

    project_id: UUID
    name: str | Unchanged = UNCHANGED
    domain_keywords: tuple[str, ...] | Unchanged = UNCHANGED


# --- Interview -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreateInterview(Command):
    records = "InterviewCreated"

    interview_id: UUID
    project_id: UUID
    title: str
    source_filename: str
    content_sha256: str
    language: str = "en"
    participants: tuple[str, ...] = ()
    recorded_on: date | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class UpdateInterviewMetadata(HumanCommand):
    records = "InterviewMetadataUpdated"

    interview_id: UUID
    title: str | Unchanged = UNCHANGED
    language: str | Unchanged = UNCHANGED
    participants: tuple[str, ...] | Unchanged = UNCHANGED
    recorded_on: date | Unchanged | None = UNCHANGED
    metadata: Mapping[str, Any] | Unchanged = UNCHANGED


@dataclass(frozen=True, kw_only=True)
class ChangeInterviewStatus(Command):
    """Sent by the pipeline (processing, analyzed, failed) and by people (archiving).

    A human actor must give `expected_version`; the pipeline, which owns the processing
    statuses, need not.
    """

    records = "InterviewStatusChanged"

    interview_id: UUID
    to_status: str
    reason: str | None = None
    expected_version: int | None = None


# --- Sentence --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreateSentence(Command):
    """The sentence's project is the interview's: the handler looks it up, nobody passes it."""

    records = "SentenceCreated"

    interview_id: UUID
    index: int
    text: str
    start_char: int
    end_char: int
    speaker: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None

    @property
    def sentence_id(self) -> UUID:
        return sentence_id(self.interview_id, self.index)


@dataclass(frozen=True, kw_only=True)
class RecordAnalysis(Command):
    records = "AnalysisGenerated"

    sentence_id: UUID
    analyzer: str
    model: str
    model_version: str
    prompt_version: str
    values: Mapping[str, Any]
    confidence: Mapping[str, float] = field(default_factory=dict)
    # The text the analyzer saw. Given, the analysis is refused (OutdatedAnalysis) if the
    # sentence's text is another by now: an analysis must describe the text it is shown with.
    analysed_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class EditSentence(HumanCommand):
    records = "SentenceEdited"

    sentence_id: UUID
    new_text: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class OverrideAnalysis(HumanCommand):
    records = "AnalysisOverridden"

    sentence_id: UUID
    fields: Mapping[str, Any]
    reason: str


@dataclass(frozen=True, kw_only=True)
class RevertOverride(HumanCommand):
    records = "AnalysisOverrideReverted"

    sentence_id: UUID
    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True, kw_only=True)
class ClearAnalysis(HumanCommand):
    records = "AnalysisCleared"

    sentence_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ConfirmSentence(HumanCommand):
    records = "SentenceReviewed"

    sentence_id: UUID
    note: str | None = None
