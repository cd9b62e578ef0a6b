"""Bulk confirmation through the bus and the real SQL event store: each sentence at the version
its reader saw, a stale one skipped with its reason while the others go through
(docs/architecture.md, Corrections)."""

import pytest

from commands.bulk import confirm_sentences
from commands.bus import handle
from commands.errors import InterviewArchived
from commands.messages import ConfirmSentence
from tests.commands.builders import (
    REVIEWER,
    SECOND_REVIEWER,
    archive,
    create_sentence_command,
    record_analysis_command,
)

pytestmark = pytest.mark.django_db


def add_sentence(world, index: int, *, analysed: bool = True):
    command = create_sentence_command(world.interview_id, index=index, text=f"Sentence {index}.")
    created = handle(command, world.repo).aggregate_id
    if analysed:
        handle(record_analysis_command(created), world.repo)
    return created


def seen_now(world, *sentences):
    return [(sentence, world.version("Sentence", sentence)) for sentence in sentences]


def last_event(world, sentence_id):
    return world.store.read_stream(f"Sentence-{sentence_id}")[-1]


def test_a_sentence_changed_since_it_was_read_is_skipped_and_the_others_confirmed(world):
    first, second, third = world.sentence_id, add_sentence(world, 1), add_sentence(world, 2)
    seen = seen_now(world, first, second, third)
    handle(  # another reviewer, after the list was read
        ConfirmSentence(actor=SECOND_REVIEWER, sentence_id=second, expected_version=1),
        world.repo,
    )

    outcome = confirm_sentences(
        actor=REVIEWER,
        interview_id=world.interview_id,
        rows=seen,
        note="checked",
        store=world.store,
    )

    [(skipped, reason)] = outcome.skipped
    assert skipped == second
    assert reason == "changed since it was shown: you saw version 1, it is now at version 2"
    assert [sentence for sentence, _ in outcome.confirmed] == [first, third]
    assert outcome.position == last_event(world, third).position
    for sentence in (first, third):
        event = last_event(world, sentence)
        assert (event.event_type, event.actor, event.data["note"]) == (
            "SentenceReviewed",
            REVIEWER,
            "checked",
        )
    assert last_event(world, second).actor == SECOND_REVIEWER


def test_a_refused_confirmation_is_skipped_with_its_message_and_nothing_is_awaited(world):
    handle(
        ConfirmSentence(actor=SECOND_REVIEWER, sentence_id=world.sentence_id, expected_version=1),
        world.repo,
    )

    outcome = confirm_sentences(
        actor=REVIEWER,
        interview_id=world.interview_id,
        rows=[(world.sentence_id, 2)],
        note=None,
        store=world.store,
    )

    assert outcome.confirmed == []
    assert outcome.skipped == [
        (world.sentence_id, "the sentence is already confirmed and nothing changed since")
    ]
    assert outcome.position is None


def test_a_sentence_with_no_analysis_yet_is_skipped_with_that_reason(world):
    bare = add_sentence(world, 1, analysed=False)

    outcome = confirm_sentences(
        actor=REVIEWER,
        interview_id=world.interview_id,
        rows=seen_now(world, world.sentence_id, bare),
        note=None,
        store=world.store,
    )

    assert [sentence for sentence, _ in outcome.confirmed] == [world.sentence_id]
    assert outcome.skipped == [
        (bare, "the sentence has no analysis yet: there is nothing to confirm")
    ]
    assert world.version("Sentence", bare) == 0


def test_the_sentences_of_an_archived_interview_are_refused_as_a_whole(world):
    second = add_sentence(world, 1)
    rows = seen_now(world, world.sentence_id, second)
    archive(world)
    head = world.store.head_position()

    with pytest.raises(InterviewArchived):
        confirm_sentences(
            actor=REVIEWER, interview_id=world.interview_id, rows=rows, note=None, store=world.store
        )

    assert world.store.head_position() == head
