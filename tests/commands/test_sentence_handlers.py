"""Sentence commands through the handlers and the real SQL event store."""

import uuid

import pytest

from commands.aggregates import Sentence, sentence_id
from commands.bus import handle
from commands.errors import InterviewArchived, InvalidCommand, NotFound, NothingToConfirm
from commands.messages import (
    ClearAnalysis,
    ConfirmSentence,
    EditSentence,
    OverrideAnalysis,
    RevertOverride,
    UpdateProject,
)
from commands.repository import Repository
from tests.commands.builders import (
    OWNER,
    REVIEWER,
    archive,
    build_world,
    create_sentence_command,
    record_analysis_command,
)

pytestmark = pytest.mark.django_db


def last_event(world):
    return world.store.read_stream(world.sentence_stream)[-1]


def test_it_creates_a_sentence_under_its_derived_id_in_the_interview_s_project(store):
    world = build_world(store, analysed=False)
    [event] = store.read_stream(world.sentence_stream)
    assert world.sentence_id == sentence_id(world.interview_id, 0)
    assert event.event_type == "SentenceCreated"
    assert event.data["interview_id"] == str(world.interview_id)
    assert event.data["project_id"] == str(world.project_id)


def test_re_running_sentence_creation_appends_nothing(store):
    world = build_world(store, analysed=False)
    result = handle(create_sentence_command(world.interview_id), Repository(store))
    assert result.already_recorded
    assert result.aggregate_id == world.sentence_id
    assert len(store.read_stream(world.sentence_stream)) == 1


def test_it_refuses_a_sentence_of_an_interview_that_does_not_exist(store, repo):
    command = create_sentence_command(uuid.uuid4())
    with pytest.raises(NotFound, match="Interview"):
        handle(command, repo)
    assert store.read_stream(f"Sentence-{command.sentence_id}") == []


def test_it_records_an_ai_analysis(world):
    event = last_event(world)
    assert event.event_type == "AnalysisGenerated"
    assert event.actor.display == "ai:heuristic"
    assert event.data["values"]["domain_keywords"] == ["Jira"]
    assert event.data["confidence"] == {"function_type": 0.9, "purpose": 0.5}


def test_it_validates_ai_domain_keywords_against_the_project_s_own_list(world):
    # "Kubernetes" is in the default list but not in this project's list.
    with pytest.raises(InvalidCommand, match="domain keyword list"):
        handle(
            record_analysis_command(world.sentence_id, values={"domain_keywords": ["Kubernetes"]}),
            world.repo,
        )


def test_it_edits_a_sentence(world):
    result = handle(
        EditSentence(
            actor=REVIEWER,
            sentence_id=world.sentence_id,
            expected_version=1,
            new_text="We track it all in Jira.",
            reason="transcription error",
        ),
        world.repo,
    )
    event = last_event(world)
    assert event.event_type == "SentenceEdited"
    assert event.data["old_text"] == "We track everything in Jira."
    assert event.data["new_text"] == "We track it all in Jira."
    assert (result.version, result.position) == (2, event.position)


def test_it_rejects_an_edit_that_changes_nothing_and_appends_nothing(world):
    with pytest.raises(InvalidCommand, match="does not change"):
        handle(
            EditSentence(
                actor=REVIEWER,
                sentence_id=world.sentence_id,
                expected_version=1,
                new_text=" We track everything in Jira. ",
                reason="no-op",
            ),
            world.repo,
        )
    assert world.version("Sentence", world.sentence_id) == 1


def test_it_overrides_against_the_project_s_current_keyword_list(world):
    handle(
        UpdateProject(
            actor=OWNER,
            project_id=world.project_id,
            expected_version=0,
            domain_keywords=("Jira", "Scrum", "Kanban", "Kubernetes"),
        ),
        world.repo,
    )
    handle(
        OverrideAnalysis(
            actor=REVIEWER,
            sentence_id=world.sentence_id,
            expected_version=1,
            fields={"domain_keywords": ["kubernetes"], "purpose": "Observation"},
            reason="they run it on k8s",
        ),
        world.repo,
    )
    event = last_event(world)
    assert event.event_type == "AnalysisOverridden"
    assert event.data["fields"] == {"domain_keywords": ["Kubernetes"], "purpose": "Observation"}
    assert event.data["previous"] == {"domain_keywords": ["Jira"], "purpose": "Statement"}


def test_it_rejects_an_override_of_an_unknown_dimension(world):
    with pytest.raises(InvalidCommand, match="unknown dimension 'mood'"):
        handle(
            OverrideAnalysis(
                actor=REVIEWER,
                sentence_id=world.sentence_id,
                expected_version=1,
                fields={"mood": "happy"},
                reason="r",
            ),
            world.repo,
        )
    assert world.version("Sentence", world.sentence_id) == 1


def test_it_reverts_clears_and_confirms(world):
    commands = [
        OverrideAnalysis(
            actor=REVIEWER,
            sentence_id=world.sentence_id,
            expected_version=1,
            fields={"purpose": "Observation"},
            reason="it is an observation",
        ),
        RevertOverride(
            actor=REVIEWER,
            sentence_id=world.sentence_id,
            expected_version=2,
            fields=("purpose",),
            reason="the AI was right",
        ),
        ConfirmSentence(
            actor=REVIEWER, sentence_id=world.sentence_id, expected_version=3, note="fine"
        ),
        ClearAnalysis(
            actor=REVIEWER, sentence_id=world.sentence_id, expected_version=4, reason="stale"
        ),
    ]
    for command in commands:
        handle(command, world.repo)
    events = world.store.read_stream(world.sentence_stream)
    assert [e.event_type for e in events[2:]] == [
        "AnalysisOverridden",
        "AnalysisOverrideReverted",
        "SentenceReviewed",
        "AnalysisCleared",
    ]
    assert events[3].data["fields"] == ["purpose"]
    assert events[4].data["decision"] == "confirmed"
    assert events[4].data["note"] == "fine"
    assert events[5].data["reason"] == "stale"
    rebuilt = Repository(world.store).get(Sentence, world.sentence_id)
    assert rebuilt.analysis is None
    assert rebuilt.overrides == {}
    assert not rebuilt.confirmed  # what was confirmed is gone


def test_it_refuses_to_confirm_a_sentence_with_no_analysis_yet(store):
    world = build_world(store, analysed=False)
    refuses_confirmation(world, 0, NothingToConfirm, "no analysis yet")


def test_it_refuses_to_confirm_a_sentence_whose_analysis_was_cleared(world):
    clear = ClearAnalysis(
        actor=REVIEWER, sentence_id=world.sentence_id, expected_version=1, reason="wrong"
    )
    handle(clear, world.repo)
    refuses_confirmation(world, 2, NothingToConfirm, "nothing to confirm")


def test_every_correction_of_a_sentence_of_an_archived_interview_is_refused(world):
    of_it = {"actor": REVIEWER, "sentence_id": world.sentence_id}
    first = {"expected_version": 1, "fields": {"purpose": "Observation"}, "reason": "seen"}
    handle(OverrideAnalysis(**of_it, **first), world.repo)
    archive(world)
    common = {**of_it, "expected_version": 2}
    corrections = [
        EditSentence(**common, new_text="We track it all in Jira.", reason="typo"),
        OverrideAnalysis(**common, fields={"purpose": "Request"}, reason="asks"),
        RevertOverride(**common, fields=("purpose",), reason="the AI was right"),
        ClearAnalysis(**common, reason="stale"),
        ConfirmSentence(**common, note="fine"),
    ]
    for command in corrections:
        with pytest.raises(InterviewArchived, match="archived: its sentences are read-only"):
            handle(command, world.repo)
    assert world.version("Sentence", world.sentence_id) == 2


def test_the_pipeline_may_still_record_an_analysis_after_archiving(store):
    world = build_world(store, analysed=False)
    archive(world)  # archived while it was being processed
    handle(record_analysis_command(world.sentence_id), world.repo)
    assert last_event(world).event_type == "AnalysisGenerated"


def test_it_rejects_a_second_confirmation_when_nothing_changed(world):
    confirm = ConfirmSentence(actor=REVIEWER, sentence_id=world.sentence_id, expected_version=1)
    handle(confirm, world.repo)
    refuses_confirmation(world, 2, InvalidCommand, "already confirmed")


def refuses_confirmation(world, version: int, error: type[Exception], match: str) -> None:
    """A confirmation at `version` is refused with `error` and appends nothing."""
    with pytest.raises(error, match=match):
        handle(
            ConfirmSentence(actor=OWNER, sentence_id=world.sentence_id, expected_version=version),
            world.repo,
        )
    assert world.version("Sentence", world.sentence_id) == version


def test_it_reports_commands_on_a_missing_sentence_as_not_found(repo):
    with pytest.raises(NotFound, match="Sentence"):
        handle(ConfirmSentence(actor=REVIEWER, sentence_id=uuid.uuid4(), expected_version=0), repo)


def test_it_refuses_text_with_nul_characters_alike_on_every_database(store):
    world = build_world(store, analysed=False)
    command = create_sentence_command(world.interview_id, index=1, text="Jira\x00 rocks.")
    with pytest.raises(InvalidCommand, match="NUL"):
        handle(command, world.repo)
    assert store.read_stream(f"Sentence-{command.sentence_id}") == []
