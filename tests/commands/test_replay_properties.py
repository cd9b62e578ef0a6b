"""Property: any sequence of valid commands, replayed from the store, rebuilds the same state.

Each example drives fresh aggregates (new uuids) through the real handlers and SQL store, keeps
the very objects the handlers decided on (the repository's identity map), and compares them with
aggregates rebuilt from the stored events by a fresh repository.
"""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commands.aggregates import Interview, Project, Sentence
from commands.aggregates.interview import TRANSITIONS
from commands.bus import handle
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    Command,
    ConfirmSentence,
    CreateSentence,
    EditSentence,
    OverrideAnalysis,
    RecordAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.repository import Repository
from events.dimensions import (
    DEFAULT_DOMAIN_KEYWORDS,
    DIMENSIONS,
    FUNCTION_TYPES,
    Dimension,
    validate_value,
)
from tests.commands.builders import (
    HEURISTIC,
    OWNER,
    PIPELINE,
    REVIEWER,
    SECOND_REVIEWER,
    create_interview_command,
    create_project_command,
)

# Printable text without control characters or lone surrogates, which no transcript holds.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
).filter(str.strip)
HUMANS = st.sampled_from([OWNER, REVIEWER, SECOND_REVIEWER])
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), TEXT)


def seen(aggregate: Project | Interview | Sentence) -> int:
    """The version the (simulated) user saw: the one the handlers left the aggregate at."""
    assert aggregate.version is not None
    return aggregate.version


class Example:
    """The aggregates of one example, as the handlers left them."""

    def __init__(self, repo: Repository, project: Project, interview: Interview) -> None:
        self.repo = repo
        self.project = project
        self.interview = interview
        self.sentences: list[Sentence] = []
        self.creations: list[CreateSentence] = []

    def all(self) -> list[Project | Interview | Sentence]:
        return [self.project, self.interview, *self.sentences]


# --- strategies of valid commands, given the current state ----------------------------------


def other_text(draw: st.DrawFn, current: str) -> str:
    """Any text that differs from `current` once stripped (filtering could give up)."""
    text = draw(TEXT)
    return text if text.strip() != current.strip() else f"{text}!"


def keyword_lists(pool: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), max_size=6, unique=True) if pool else st.just([])


def dimension_value(draw: st.DrawFn, name: str, project: Project) -> Any:
    spec = DIMENSIONS[Dimension(name)]
    if spec.labels is not None:
        return draw(st.sampled_from(spec.labels))
    if spec.name is Dimension.DOMAIN_KEYWORDS:
        return draw(keyword_lists(project.domain_keywords))
    return draw(st.lists(st.text("abcdef ", min_size=1, max_size=8).filter(str.strip), max_size=6))


@st.composite
def update_project(draw: st.DrawFn, ex: Example) -> Command:
    p = ex.project
    if draw(st.booleans()):
        name = other_text(draw, p.name)
        return UpdateProject(actor=OWNER, project_id=p.id, expected_version=seen(p), name=name)
    keywords = draw(st.lists(st.sampled_from(DEFAULT_DOMAIN_KEYWORDS), max_size=8, unique=True))
    if tuple(keywords) == p.domain_keywords:  # make sure it changes something
        keywords = keywords[1:] if keywords else ["Jira"]
    return UpdateProject(
        actor=OWNER, project_id=p.id, expected_version=seen(p), domain_keywords=tuple(keywords)
    )


@st.composite
def update_interview(draw: st.DrawFn, ex: Example) -> Command:
    i = ex.interview
    field = draw(st.sampled_from(["title", "language", "participants", "recorded_on", "metadata"]))
    current: Any = {
        "title": i.title,
        "language": i.language,
        "participants": i.participants,
        "recorded_on": i.recorded_on,
        "metadata": i.metadata,
    }[field]
    new: Any = draw(
        {
            "title": TEXT.map(lambda t: t if t.strip() != current else f"{t}!"),
            "language": st.sampled_from(["en", "de", "fr", "pt-BR"]).filter(lambda v: v != current),
            "participants": st.lists(TEXT.map(str.strip), min_size=0 if current else 1, max_size=3)
            .map(tuple)
            .filter(lambda v: v != current),
            "recorded_on": st.dates().filter(lambda v: v != current)
            if current is None
            else st.one_of(st.none(), st.dates().filter(lambda v: v != current)),
            "metadata": st.dictionaries(
                TEXT, JSON_SCALARS, min_size=0 if current else 1, max_size=3
            ).filter(lambda v: v != current),
        }[field]
    )
    return UpdateInterviewMetadata(
        actor=draw(HUMANS), interview_id=i.id, expected_version=seen(i), **{field: new}
    )


@st.composite
def change_status(draw: st.DrawFn, ex: Example) -> Command:
    i = ex.interview
    assert i.status is not None
    to_status = draw(st.sampled_from(sorted(TRANSITIONS[i.status])))
    if draw(st.booleans()):
        return ChangeInterviewStatus(actor=PIPELINE, interview_id=i.id, to_status=to_status)
    return ChangeInterviewStatus(
        actor=OWNER,
        interview_id=i.id,
        to_status=to_status,
        reason=draw(st.none() | TEXT),
        expected_version=seen(i),
    )


@st.composite
def create_sentence(draw: st.DrawFn, ex: Example) -> Command:
    if draw(st.booleans()) and ex.creations:
        # Re-running the pipeline: the same sentence again, under a new command id.
        again = draw(st.sampled_from(ex.creations))
        return CreateSentence(
            **{**again.__dict__, "command_id": uuid.uuid4(), "correlation_id": None}
        )
    text = draw(TEXT)
    start = draw(st.integers(0, 1000))
    return CreateSentence(
        actor=PIPELINE,
        interview_id=ex.interview.id,
        index=len(ex.creations),
        text=text,
        speaker=draw(st.none() | TEXT),
        start_char=start,
        end_char=start + len(text),
    )


@st.composite
def record_analysis(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    names = draw(st.lists(st.sampled_from([d.value for d in Dimension]), min_size=1, unique=True))
    values = {name: dimension_value(draw, name, ex.project) for name in names}
    confidence = {
        name: draw(st.floats(0, 1)) for name in draw(st.lists(st.sampled_from(names), unique=True))
    }
    return RecordAnalysis(
        actor=HEURISTIC,
        sentence_id=s.id,
        analyzer="heuristic",
        model="rules",
        model_version=draw(st.sampled_from(["1", "2"])),
        prompt_version="none",
        values=values,
        confidence=confidence,
    )


@st.composite
def edit(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    new_text = other_text(draw, s.text)
    return EditSentence(
        actor=draw(HUMANS),
        sentence_id=s.id,
        expected_version=seen(s),
        new_text=new_text,
        reason=draw(TEXT),
    )


@st.composite
def override(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    effective = s.effective_values()
    names = draw(st.lists(st.sampled_from([d.value for d in Dimension]), min_size=1, unique=True))
    fields: dict[str, Any] = {}
    for name in names:
        value = dimension_value(draw, name, ex.project)
        normalised = validate_value(name, value, domain_keywords=ex.project.domain_keywords)
        if normalised != effective.get(name):
            fields[name] = value
    if not fields:  # every drawn value happened to be the effective one: pick a sure change
        current = effective.get("function_type")
        fields["function_type"] = draw(
            st.sampled_from(FUNCTION_TYPES).filter(lambda v: v != current)
        )
    return OverrideAnalysis(
        actor=draw(HUMANS),
        sentence_id=s.id,
        expected_version=seen(s),
        fields=fields,
        reason=draw(TEXT),
    )


@st.composite
def revert(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    fields = draw(st.lists(st.sampled_from(sorted(s.overrides)), min_size=1, unique=True))
    return RevertOverride(
        actor=draw(HUMANS),
        sentence_id=s.id,
        expected_version=seen(s),
        fields=tuple(fields),
        reason=draw(TEXT),
    )


@st.composite
def clear(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    return ClearAnalysis(
        actor=draw(HUMANS), sentence_id=s.id, expected_version=seen(s), reason=draw(TEXT)
    )


@st.composite
def confirm(draw: st.DrawFn, ex: Example, s: Sentence) -> Command:
    return ConfirmSentence(
        actor=draw(HUMANS),
        sentence_id=s.id,
        expected_version=seen(s),
        note=draw(st.none() | TEXT),
    )


def valid_commands(ex: Example) -> st.SearchStrategy[Command]:
    """Every kind of command that is valid in the current state."""
    options: list[st.SearchStrategy[Command]] = [
        update_project(ex),
        update_interview(ex),
        create_sentence(ex),
    ]
    assert ex.interview.status is not None
    if TRANSITIONS[ex.interview.status]:
        options.append(change_status(ex))
    for s in ex.sentences:
        sentence_options: list[Callable[..., st.SearchStrategy[Command]]] = [record_analysis]
        if ex.interview.status != "archived":  # archived: read-only for people
            sentence_options += [edit, override]
            if s.overrides:
                sentence_options.append(revert)
            if s.analysis is not None:
                sentence_options.append(clear)
            if not s.confirmed and s.effective_values():  # nothing to confirm without values
                sentence_options.append(confirm)
        options.extend(strategy(ex, s) for strategy in sentence_options)
    return st.one_of(options)


# --- the property ----------------------------------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_sequence_of_valid_commands_rebuilds_the_same_aggregates_from_the_store(store, data):
    repo = Repository(store)
    keywords = data.draw(st.lists(st.sampled_from(DEFAULT_DOMAIN_KEYWORDS), max_size=8))
    project_id = handle(create_project_command(domain_keywords=tuple(keywords)), repo).aggregate_id
    interview_id = handle(create_interview_command(project_id), repo).aggregate_id
    ex = Example(repo, repo.get(Project, project_id), repo.get(Interview, interview_id))

    def run(command: Command) -> None:
        event(type(command).__name__)  # shown by --hypothesis-show-statistics
        result = handle(command, repo)
        if isinstance(command, CreateSentence) and not result.already_recorded:
            ex.creations.append(command)
            ex.sentences.append(repo.get(Sentence, result.aggregate_id))

    # Most commands concern sentences: start with a few, so that sequences reach them.
    for _ in range(data.draw(st.integers(1, 3), label="sentences")):
        run(data.draw(create_sentence(ex), label="command"))
    for _ in range(data.draw(st.integers(1, 20), label="steps")):
        run(data.draw(valid_commands(ex), label="command"))

    fresh = Repository(store)
    for live in ex.all():
        rebuilt = fresh.get(type(live), live.id)
        assert rebuilt == live
        assert live.version == store.current_version(live.stream)
