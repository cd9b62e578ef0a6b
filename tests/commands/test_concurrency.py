"""Version conflicts reach the caller; nothing is ever re-appended for them
(docs/architecture.md, Corrections; Standing rule 1)."""

import uuid
from collections.abc import Callable, Sequence

import pytest

from commands.bus import handle
from commands.errors import AlreadyExists, StaleVersion
from commands.messages import ConfirmSentence, EditSentence, OverrideAnalysis
from commands.repository import Repository
from events.envelope import NewEvent
from events.sql_store import SqlEventStore
from events.store import AppendResult, ExpectedVersion
from tests.commands.builders import (
    REVIEWER,
    SECOND_REVIEWER,
    build_world,
    create_project_command,
    record_analysis_command,
)

pytestmark = pytest.mark.django_db


class RacingStore(SqlEventStore):
    """The real SQL store, with another writer getting in between our read and our append."""

    def __init__(self, competitor: Callable[[], object]) -> None:
        super().__init__()
        self._competitor: Callable[[], object] | None = competitor

    def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        if self._competitor is not None:
            competitor, self._competitor = self._competitor, None
            competitor()
        return super().append(stream, events, expected_version)


def edit(world, expected_version: int, text: str, actor=REVIEWER) -> EditSentence:
    return EditSentence(
        actor=actor,
        sentence_id=world.sentence_id,
        expected_version=expected_version,
        new_text=text,
        reason="fix",
    )


def test_a_stale_human_command_carries_the_current_version_and_exactly_the_unseen_events(store):
    world = build_world(store)  # the reviewer opens the sentence at version 1
    handle(edit(world, 1, "We track it all in Jira.", SECOND_REVIEWER), world.repo)
    handle(ConfirmSentence(actor=SECOND_REVIEWER, sentence_id=world.sentence_id,
                           expected_version=2), world.repo)  # fmt: skip
    before = store.read_stream(world.sentence_stream)

    override = OverrideAnalysis(
        actor=REVIEWER,
        sentence_id=world.sentence_id,
        expected_version=1,
        fields={"purpose": "Observation"},
        reason="it is an observation",
    )
    with pytest.raises(StaleVersion) as error:
        handle(override, Repository(store))

    assert error.value.stream == world.sentence_stream
    assert error.value.expected_version == 1
    assert error.value.current_version == 3
    assert [e.event_id for e in error.value.unseen_events] == [e.event_id for e in before[2:]]
    assert [e.event_type for e in error.value.unseen_events] == [
        "SentenceEdited",
        "SentenceReviewed",
    ]
    after = store.read_stream(world.sentence_stream)
    assert after == before
    assert all(e.causation_id != override.command_id for e in after)


def test_a_conflict_during_the_append_becomes_the_same_stale_version_error():
    world = build_world(SqlEventStore())
    competitor_edit = edit(world, 1, "We track it all in Jira.", SECOND_REVIEWER)
    store = RacingStore(lambda: handle(competitor_edit, Repository(SqlEventStore())))
    mine = edit(world, 1, "We track everything in Jira!")

    with pytest.raises(StaleVersion) as error:
        handle(mine, Repository(store))

    assert error.value.current_version == 2
    [unseen] = error.value.unseen_events
    assert unseen.causation_id == competitor_edit.command_id
    assert unseen.data["new_text"] == "We track it all in Jira."
    events = store.read_stream(world.sentence_stream)
    assert len(events) == 3  # created, analysed, the competitor's edit — not ours
    assert all(e.causation_id != mine.command_id for e in events)


def test_a_system_command_that_loses_a_race_is_not_retried_either():
    world = build_world(SqlEventStore())
    competitor_edit = edit(world, 1, "We track it all in Jira.", SECOND_REVIEWER)
    store = RacingStore(lambda: handle(competitor_edit, Repository(SqlEventStore())))
    analysis = record_analysis_command(world.sentence_id)
    with pytest.raises(StaleVersion) as error:
        handle(analysis, Repository(store))
    assert error.value.current_version == 2
    assert store.current_version(world.sentence_stream) == 2


def test_an_expected_version_ahead_of_the_stream_is_a_conflict_with_nothing_unseen(store):
    world = build_world(store)
    with pytest.raises(StaleVersion) as error:
        handle(edit(world, 7, "We track it all in Jira."), world.repo)
    assert error.value.current_version == 1
    assert error.value.unseen_events == []


def test_re_sending_a_command_that_succeeded_answers_as_before_without_a_conflict(store):
    world = build_world(store)
    command = edit(world, 1, "We track it all in Jira.")
    first = handle(command, world.repo)
    again = handle(command, Repository(store))  # e.g. a client retry after a lost answer
    assert again.already_recorded
    assert (again.event_ids, again.version, again.position) == (
        first.event_ids,
        first.version,
        first.position,
    )
    assert store.current_version(world.sentence_stream) == 2


def test_a_pipeline_re_run_with_an_explicit_event_id_records_the_analysis_once(store):
    world = build_world(store, analysed=False)
    event_id = uuid.uuid5(world.sentence_id, "analysis/heuristic/1")
    first = handle(record_analysis_command(world.sentence_id, event_id=event_id), world.repo)
    rerun = record_analysis_command(world.sentence_id, event_id=event_id)  # new command id
    again = handle(rerun, Repository(store))
    assert first.event_ids == (event_id,)
    assert again.already_recorded
    assert again.event_ids == (event_id,)
    assert store.current_version(world.sentence_stream) == 1


def test_a_creation_racing_an_identical_creation_is_a_no_op():
    command = create_project_command()
    twin = create_project_command(command.slug)
    store = RacingStore(lambda: handle(twin, Repository(SqlEventStore())))
    result = handle(command, Repository(store))
    assert result.already_recorded
    [event] = store.read_stream(f"Project-{command.project_id}")
    assert event.causation_id == twin.command_id


def test_a_creation_racing_a_different_creation_fails_without_overwriting():
    command = create_project_command()
    rival = create_project_command(command.slug, name="Rival")
    store = RacingStore(lambda: handle(rival, Repository(SqlEventStore())))
    with pytest.raises(AlreadyExists, match="name"):
        handle(command, Repository(store))
    [event] = store.read_stream(f"Project-{command.project_id}")
    assert event.data["name"] == "Rival"
