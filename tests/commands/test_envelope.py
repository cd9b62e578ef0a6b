"""Every event says who caused it and why (docs/architecture.md, Events; Corrections;
Standing rules 2, 3, 7)."""

import uuid

import pytest

from commands.bus import HANDLERS, handle
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    Command,
    ConfirmSentence,
    CreateInterview,
    EditSentence,
    OverrideAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.repository import Repository
from events.envelope import Actor, ActorType
from events.store import EventFilter
from tests.commands.builders import (
    OWNER,
    PIPELINE,
    REVIEWER,
    create_interview_command,
    create_project_command,
    create_sentence_command,
    record_analysis_command,
)

pytestmark = pytest.mark.django_db


def every_command() -> list[Command]:
    """One valid command of each type, in an order that makes each valid."""
    upload = uuid.uuid4()  # the pipeline's commands for one upload share a correlation id
    project = create_project_command(correlation_id=upload)
    interview = create_interview_command(project.project_id, correlation_id=upload)
    sentence = create_sentence_command(interview.interview_id, correlation_id=upload)
    sid = sentence.sentence_id
    return [
        project,
        UpdateProject(actor=OWNER, project_id=project.project_id, expected_version=0, name="New"),
        interview,
        UpdateInterviewMetadata(
            actor=REVIEWER, interview_id=interview.interview_id, expected_version=0, language="de"
        ),
        ChangeInterviewStatus(
            actor=PIPELINE,
            interview_id=interview.interview_id,
            to_status="processing",
            correlation_id=upload,
        ),
        sentence,
        record_analysis_command(sid, correlation_id=upload),
        EditSentence(
            actor=REVIEWER, sentence_id=sid, expected_version=1, new_text="New text.", reason="r"
        ),
        OverrideAnalysis(
            actor=REVIEWER,
            sentence_id=sid,
            expected_version=2,
            fields={"purpose": "Query"},
            reason="r",
        ),
        RevertOverride(
            actor=REVIEWER, sentence_id=sid, expected_version=3, fields=("purpose",), reason="r"
        ),
        ConfirmSentence(actor=OWNER, sentence_id=sid, expected_version=4),
        ClearAnalysis(actor=REVIEWER, sentence_id=sid, expected_version=5, reason="r"),
    ]


def test_the_scenario_covers_every_command_type():
    assert {type(c) for c in every_command()} == set(HANDLERS)


def test_every_event_has_actor_correlation_and_causation_from_its_command(store):
    head = store.head_position()
    commands = every_command()
    repo = Repository(store)
    results = [handle(command, repo) for command in commands]
    events = store.read_all(after=head)
    assert len(events) == len(commands)
    for command, result, event in zip(commands, results, events, strict=True):
        assert event.event_type == type(command).records
        assert result.event_ids == (event.event_id,)
        assert event.actor == command.actor
        assert event.causation_id == command.command_id
        assert event.correlation_id == command.correlation_id
    pipeline_correlations = {e.correlation_id for e in events if e.actor == PIPELINE}
    assert len(pipeline_correlations) == 1
    assert events[1].correlation_id == commands[1].command_id  # a fresh correlation by default


def test_every_sentence_event_carries_interview_and_project(store):
    head = store.head_position()
    commands = every_command()
    repo = Repository(store)
    for command in commands:
        handle(command, repo)
    interview = next(c for c in commands if isinstance(c, CreateInterview))
    sentence_events = store.read_all(after=head, filter=EventFilter.of(categories=["Sentence"]))
    assert len(sentence_events) == 7
    for event in sentence_events:
        assert event.data["interview_id"] == str(interview.interview_id), event.event_type
        assert event.data["project_id"] == str(interview.project_id), event.event_type


def test_a_command_refuses_an_actor_that_is_not_an_actor():
    with pytest.raises(TypeError, match="Actor"):
        ConfirmSentence(
            actor={"type": "human", "id": "1", "display": "admin"},  # type: ignore[arg-type]
            sentence_id=uuid.uuid4(),
            expected_version=0,
        )


def test_the_actor_cannot_be_smuggled_in_through_the_payload(store, repo):
    project = handle(create_project_command(), repo)
    forged = {"type": "human", "id": "1", "display": "Olga Owner"}
    command = create_interview_command(
        project.aggregate_id, metadata={"actor": forged, "X-User-ID": "1"}
    )
    handle(command, repo)
    [event] = store.read_stream(f"Interview-{command.interview_id}")
    assert event.actor == PIPELINE
    assert event.actor.type is ActorType.SYSTEM


def test_a_human_command_is_recorded_as_its_own_actor_not_the_aggregate_s_creator(store, repo):
    created = handle(create_project_command(), repo)
    someone = Actor.human(42, "Someone Else")
    handle(
        UpdateProject(actor=someone, project_id=created.aggregate_id, expected_version=0, name="X"),
        repo,
    )
    assert store.read_stream(created.stream)[-1].actor == someone
