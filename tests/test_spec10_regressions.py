"""docs/architecture.md, Standing rules: defects of the system this replaces, each pinned by a test
that would have caught it.

Items 1, 2 and 7 concern the write side and live here; items 3-6 belong to the pipeline and
projections and are added with them.
"""

import uuid

import pytest

from commands.bus import dispatch
from commands.errors import StaleVersion
from commands.messages import ConfirmSentence, EditSentence, OverrideAnalysis
from events.catalogue import EventSchemaError
from events.envelope import Actor
from events.store import ANY
from events.wiring import get_event_store
from tests.commands.builders import REVIEWER, SECOND_REVIEWER, build_world
from tests.factories import new_event, sentence_stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(get_event_store())


def test_1_a_second_expert_on_a_stale_version_gets_a_conflict_not_a_silent_overwrite(world):
    seen = world.version("Sentence", world.sentence_id)
    first = dispatch(
        EditSentence(
            actor=REVIEWER, sentence_id=world.sentence_id, expected_version=seen,
            new_text="We track everything in Jira and Confluence.", reason="missed a tool",
        )
    )  # fmt: skip
    with pytest.raises(StaleVersion) as conflict:
        dispatch(
            EditSentence(
                actor=SECOND_REVIEWER, sentence_id=world.sentence_id, expected_version=seen,
                new_text="We track nearly everything in Jira.", reason="hedged",
            )
        )  # fmt: skip
    # The loser learns what changed under them...
    assert conflict.value.current_version == first.version
    assert [e.event_type for e in conflict.value.unseen_events] == ["SentenceEdited"]
    assert conflict.value.unseen_events[0].actor == REVIEWER
    # ...and the winner's edit is the last word in the store: nothing was re-appended.
    events = get_event_store().read_stream(world.sentence_stream)
    assert events[-1].data["new_text"] == "We track everything in Jira and Confluence."
    assert sum(e.event_type == "SentenceEdited" for e in events) == 1


def test_2_the_actor_is_the_commands_authenticated_actor_and_cannot_ride_in_the_payload(world):
    version = world.version("Sentence", world.sentence_id)
    result = dispatch(
        OverrideAnalysis(
            actor=REVIEWER, sentence_id=world.sentence_id, expected_version=version,
            fields={"purpose": "Answer"}, reason="it answers the question",
        )
    )  # fmt: skip
    [event] = get_event_store().read_stream(world.sentence_stream, from_version=result.version)
    assert event.actor == REVIEWER
    # Whatever a client puts in the data (the old system read X-User-ID), it never reaches an
    # event: every schema forbids unknown fields, so an "actor" or "user_id" is refused.
    for smuggled in ({"actor": {"type": "human", "id": "1"}}, {"user_id": "1"}):
        data = {"interview_id": str(uuid.uuid4()), "project_id": str(uuid.uuid4())}
        data |= {"decision": "confirmed", **smuggled}
        with pytest.raises(EventSchemaError, match="Extra inputs are not permitted"):
            get_event_store().append(sentence_stream(), [new_event("SentenceReviewed", data)], ANY)
    # And a command will not take anything but an Actor (e.g. a raw header value).
    with pytest.raises(TypeError):
        ConfirmSentence(actor="7", sentence_id=world.sentence_id, expected_version=version)  # type: ignore[arg-type]


def test_7_every_event_has_a_causation_id_naming_the_command_that_caused_it(world):
    version = world.version("Sentence", world.sentence_id)
    command = ConfirmSentence(
        actor=Actor.human(7, "Rita Reviewer"), sentence_id=world.sentence_id,
        expected_version=version,
    )  # fmt: skip
    dispatch(command)
    events = get_event_store().read_stream(world.sentence_stream)
    [confirmed] = [e for e in events if e.event_type == "SentenceReviewed"]
    assert confirmed.causation_id == command.command_id
    assert confirmed.correlation_id == command.command_id
