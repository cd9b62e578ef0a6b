"""One handler per command: load the aggregates, let them decide, append what they recorded.

Handlers are functions of (command, repository). The shape is always the same:
1. load the target aggregate (NotFound if a non-creation command names nothing);
2. if this very command was handled before (its event id is in the stream), answer as then;
   a person's correction of a sentence is then refused if its interview is archived;
3. human commands: StaleVersion if the stream moved past the version the user saw;
4. decide (the aggregate raises InvalidCommand on a broken invariant);
5. append at the version decided on; a conflict becomes StaleVersion, never a retry.
"""

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from commands.aggregates import Aggregate, Interview, Project, Sentence
from commands.errors import InvalidCommand, NotFound, StaleVersion
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    Command,
    ConfirmSentence,
    CreateInterview,
    CreateProject,
    CreateSentence,
    EditSentence,
    OverrideAnalysis,
    RecordAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.repository import EventRef, Repository
from commands.results import CommandResult
from events.envelope import ActorType
from events.store import NO_STREAM, ExpectedVersion

A = TypeVar("A", bound=Aggregate)

# --- Project ---------------------------------------------------------------------------------


def create_project(command: CreateProject, repo: Repository) -> CommandResult:
    def decide(project: Project) -> None:
        project.create(
            name=command.name,
            slug=command.slug,
            domain_keywords=command.domain_keywords,
            cause=command.cause,
        )

    return _create(repo, Project, command.project_id, decide)


def update_project(command: UpdateProject, repo: Repository) -> CommandResult:
    def decide(project: Project) -> None:
        project.update(
            name=command.name, domain_keywords=command.domain_keywords, cause=command.cause
        )

    return _change(repo, Project, command.project_id, command, decide, command.expected_version)


# --- Interview -------------------------------------------------------------------------------


def create_interview(command: CreateInterview, repo: Repository) -> CommandResult:
    _existing(repo, Project, command.project_id)

    def decide(interview: Interview) -> None:
        interview.create(
            project_id=command.project_id,
            title=command.title,
            source_filename=command.source_filename,
            content_sha256=command.content_sha256,
            language=command.language,
            participants=command.participants,
            recorded_on=command.recorded_on,
            metadata=command.metadata,
            cause=command.cause,
        )

    return _create(repo, Interview, command.interview_id, decide)


def update_interview_metadata(command: UpdateInterviewMetadata, repo: Repository) -> CommandResult:
    def decide(interview: Interview) -> None:
        interview.update_metadata(
            title=command.title,
            language=command.language,
            participants=command.participants,
            recorded_on=command.recorded_on,
            metadata=command.metadata,
            cause=command.cause,
        )

    return _change(repo, Interview, command.interview_id, command, decide, command.expected_version)


def change_interview_status(command: ChangeInterviewStatus, repo: Repository) -> CommandResult:
    if command.expected_version is None and command.actor.type is ActorType.HUMAN:
        # People archive what they looked at; the pipeline owns the processing statuses.
        raise InvalidCommand("a person changing an interview's status must give expected_version")

    def decide(interview: Interview) -> None:
        interview.change_status(
            to_status=command.to_status, reason=command.reason, cause=command.cause
        )

    return _change(repo, Interview, command.interview_id, command, decide, command.expected_version)


# --- Sentence --------------------------------------------------------------------------------


def create_sentence(command: CreateSentence, repo: Repository) -> CommandResult:
    # The sentence belongs to its interview's project; no caller gets to say otherwise.
    project_id = _existing(repo, Interview, command.interview_id).project_id
    assert project_id is not None  # every created interview has one

    def decide(sentence: Sentence) -> None:
        sentence.create(
            interview_id=command.interview_id,
            project_id=project_id,
            index=command.index,
            text=command.text,
            speaker=command.speaker,
            start_char=command.start_char,
            end_char=command.end_char,
            start_ms=command.start_ms,
            end_ms=command.end_ms,
            cause=command.cause,
        )

    return _create(repo, Sentence, command.sentence_id, decide)


def record_analysis(command: RecordAnalysis, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.record_analysis(
            analyzer=command.analyzer,
            model=command.model,
            model_version=command.model_version,
            prompt_version=command.prompt_version,
            values=command.values,
            confidence=command.confidence,
            analysed_text=command.analysed_text,
            domain_keywords=_project_of(repo, sentence).domain_keywords,
            cause=command.cause,
        )

    return _change(repo, Sentence, command.sentence_id, command, decide, None)


def edit_sentence(command: EditSentence, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.edit(new_text=command.new_text, reason=command.reason, cause=command.cause)

    return _change_sentence(repo, command.sentence_id, command, decide, command.expected_version)


def override_analysis(command: OverrideAnalysis, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.override(
            fields=command.fields,
            reason=command.reason,
            domain_keywords=_project_of(repo, sentence).domain_keywords,
            cause=command.cause,
        )

    return _change_sentence(repo, command.sentence_id, command, decide, command.expected_version)


def revert_override(command: RevertOverride, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.revert(fields=command.fields, reason=command.reason, cause=command.cause)

    return _change_sentence(repo, command.sentence_id, command, decide, command.expected_version)


def clear_analysis(command: ClearAnalysis, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.clear(reason=command.reason, cause=command.cause)

    return _change_sentence(repo, command.sentence_id, command, decide, command.expected_version)


def confirm_sentence(command: ConfirmSentence, repo: Repository) -> CommandResult:
    def decide(sentence: Sentence) -> None:
        sentence.confirm(note=command.note, cause=command.cause)

    return _change_sentence(repo, command.sentence_id, command, decide, command.expected_version)


# --- shared steps ----------------------------------------------------------------------------


def _existing(repo: Repository, cls: type[A], aggregate_id: UUID) -> A:
    aggregate = repo.get(cls, aggregate_id)
    if not aggregate.exists:
        raise NotFound(cls.aggregate_type, aggregate_id)
    return aggregate


def _interview_of(repo: Repository, sentence: Sentence) -> Interview:
    assert sentence.interview_id is not None  # every created sentence belongs to one
    return _existing(repo, Interview, sentence.interview_id)


def _change_sentence(
    repo: Repository,
    sentence_id: UUID,
    command: Command,
    decide: Callable[[Sentence], None],
    expected_version: int | None,
) -> CommandResult:
    """`_change` for a person's correction of a sentence: refused (InterviewArchived) once its
    interview is archived, through any entry point. The pipeline's analyses are not: an
    interview may be archived while it is processed, and its run must still end cleanly."""

    def writable(sentence: Sentence) -> None:
        _interview_of(repo, sentence).require_writable()

    return _change(repo, Sentence, sentence_id, command, decide, expected_version, guard=writable)


def _project_of(repo: Repository, sentence: Sentence) -> Project:
    # Domain keywords are validated against the project's list as it is now
    # (docs/architecture.md, Dimensions).
    assert sentence.project_id is not None
    return _existing(repo, Project, sentence.project_id)


def _earlier_result(
    repo: Repository, aggregate: Aggregate, command: Command
) -> CommandResult | None:
    """The answer given the first time, if this command's event is already in the stream.

    A client that lost the answer and re-sends the command must not get a conflict (its own
    event moved the stream) nor a second event.
    """
    ref = repo.recorded(aggregate, command.cause.event_id_for(aggregate.stream, 0))
    return _answer(aggregate, ref) if ref is not None else None


def _create(
    repo: Repository, cls: type[A], aggregate_id: UUID, decide: Callable[[A], None]
) -> CommandResult:
    """Create an aggregate idempotently: appended with NO_STREAM, a no-op if it exists as asked.

    If another run creates the stream between our read and our append, the store refuses our
    NO_STREAM append; deciding once more on what that run wrote gives the same answer a
    sequential re-run would (no-op or AlreadyExists). That second decision never appends, so
    nothing is ever written twice.
    """
    for attempt in (1, 2):
        aggregate = repo.get(cls, aggregate_id)
        decide(aggregate)
        if not aggregate.pending:  # it exists with this very content
            return _answer(aggregate, repo.first_event(aggregate))
        try:
            return _commit(repo, aggregate, NO_STREAM)
        except StaleVersion:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _change(
    repo: Repository,
    cls: type[A],
    aggregate_id: UUID,
    command: Command,
    decide: Callable[[A], None],
    expected_version: int | None,
    *,
    guard: Callable[[A], None] | None = None,
) -> CommandResult:
    """Steps 1-5 of the module docstring for a command on an existing aggregate; `guard`
    refuses the command for a reason outside the aggregate (its interview archived).

    `expected_version` None (system commands) appends at the version loaded, so a change made
    meanwhile still fails instead of being overwritten.
    """
    aggregate = _existing(repo, cls, aggregate_id)
    if (earlier := _earlier_result(repo, aggregate, command)) is not None:
        return earlier
    if guard is not None:
        guard(aggregate)
    if expected_version is not None:
        repo.check_version(aggregate, expected_version)
    decide(aggregate)
    return _commit(repo, aggregate, _loaded_version(aggregate, expected_version))


def _loaded_version(aggregate: Aggregate, expected_version: int | None) -> int:
    """System commands append at the version they loaded: a change made meanwhile still fails."""
    if expected_version is not None:
        return expected_version
    assert aggregate.version is not None  # only called for existing aggregates
    return aggregate.version


def _commit(
    repo: Repository, aggregate: Aggregate, expected_version: ExpectedVersion
) -> CommandResult:
    event_ids = tuple(event.event_id for event in aggregate.pending)
    result = repo.save(aggregate, expected_version)
    return CommandResult(
        stream=result.stream,
        aggregate_id=aggregate.id,
        event_ids=event_ids,
        version=result.version,
        position=result.position,
    )


def _answer(aggregate: Aggregate, ref: EventRef) -> CommandResult:
    return CommandResult(
        stream=aggregate.stream,
        aggregate_id=aggregate.id,
        event_ids=(ref.event_id,),
        version=ref.version,
        position=ref.position,
        already_recorded=True,
    )
