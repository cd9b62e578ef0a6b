"""Retry, then park (docs/architecture.md, Projections; Standing rule 5): a failing event never
moves the checkpoint until it is parked; the later events of its interview wait behind it while
other interviews go on; parked events are listed, shown, retried in order after a fix, or discarded
(`manage.py parked`).

The poisons are real, no mocks: a read-model row in the way of a SentenceCreated (the unique
(interview, index) constraint refuses it; deleting the row is the fix), and an event appended
straight to the store that passes the catalogue but that the projector cannot apply (a
SentenceEdited for a sentence that was never created), which an operator discards.
"""

import json
import uuid
from dataclasses import dataclass
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from commands.aggregates.sentence import sentence_id
from events.envelope import RecordedEvent
from events.esdb_store import EsdbEventStore
from events.store import EventStore
from projections.lanes import lane_of
from projections.models import ParkedEvent
from projections.parking import ParkedError, retry
from projections.runner import ProjectionRunner
from readmodel import models as rm
from readmodel.projection import RelationalProjection
from tests.events.fake_esdb import FakeEsdbClient
from tests.ingestion.helpers import events_of
from tests.projections.helpers import LANES, make_runner, replayed_digest
from tests.projections.workload import Workload, append_orphan_edit, confirm

pytestmark = pytest.mark.django_db

BACKOFF = 0.1


@dataclass
class Poisoned:
    """A workload caught up while one interview's sentence 1 could not be created."""

    store: EventStore
    workload: Workload
    runner: ProjectionRunner
    interview_id: uuid.UUID
    poison: RecordedEvent
    in_the_way: rm.Sentence
    retries: list[tuple[float, int]]  # (delay asked for, the lane's checkpoint meanwhile)

    @property
    def key(self) -> str:
        return f"Interview-{self.interview_id}"

    @property
    def lane(self) -> int:
        return lane_of(self.key, LANES)

    def head(self) -> ParkedEvent:
        return ParkedEvent.objects.get(position=self.poison.position)

    def followers(self) -> list[ParkedEvent]:
        return list(ParkedEvent.objects.exclude(id=self.head().id).order_by("position"))

    def later_events(self) -> list[RecordedEvent]:
        """The interview's events after the poison, in log order."""
        return [
            e for e in events_of(self.store, self.interview_id) if e.position > self.poison.position
        ]

    def fix(self) -> None:
        self.in_the_way.delete()


def plant_sentence_row(interview_id: uuid.UUID, index: int) -> rm.Sentence:
    """A stray row holding (interview, index): the projector cannot create the real one."""
    return rm.Sentence.objects.create(
        id=uuid.uuid4(),
        interview_id=interview_id,
        project_id=uuid.uuid4(),
        index=index,
        original_text="stray",
        text="stray",
        start_char=0,
        end_char=5,
        updated_at=timezone.now(),
        version=0,
    )


def parked(*args: str) -> str:
    out = StringIO()
    call_command("parked", *args, stdout=out)
    return out.getvalue()


def is_current(store: EventStore, row: rm.Interview | rm.Sentence) -> bool:
    return row.version == store.current_version(f"{type(row).__name__}-{row.id}")


@pytest.fixture
def poisoned(store, workload) -> Poisoned:
    interview_id = workload.interview_ids[0]
    poison = next(
        e
        for e in events_of(store, interview_id)
        if e.event_type == "SentenceCreated" and e.data["index"] == 1
    )
    in_the_way = plant_sentence_row(interview_id, 1)
    retries: list[tuple[float, int]] = []
    lane = lane_of(f"Interview-{interview_id}", LANES)

    def sleep(seconds: float) -> None:
        retries.append((seconds, runner.projection.stored_checkpoints().get(lane, 0)))

    runner = make_runner(store, backoff=BACKOFF, sleep=sleep)
    runner.catch_up()
    return Poisoned(store, workload, runner, interview_id, poison, in_the_way, retries)


class TestRetryThenPark:
    def test_a_failing_event_is_tried_3_times_with_growing_backoff(self, poisoned):
        assert [delay for delay, _ in poisoned.retries] == [BACKOFF, 2 * BACKOFF]
        assert poisoned.head().attempts == 3

    def test_the_checkpoint_does_not_pass_a_failing_event_until_it_is_parked(self, poisoned):
        """docs/architecture.md, Standing rule 5: the replaced runner acknowledged the checkpoint of
        failed events."""
        assert all(checkpoint < poisoned.poison.position for _, checkpoint in poisoned.retries)
        checkpoints = poisoned.runner.projection.checkpoints(LANES)
        assert checkpoints[poisoned.lane] == poisoned.store.head_position()

    def test_the_parked_event_keeps_its_error_and_traceback(self, poisoned):
        head = poisoned.head()

        assert (head.state, head.lane, head.behind_id) == ("parked", poisoned.lane, None)
        assert (head.event_id, head.event_type, head.stream, head.blocking_key) == (
            poisoned.poison.event_id,
            "SentenceCreated",
            poisoned.poison.stream,
            poisoned.key,
        )
        assert head.error.startswith("IntegrityError: ")
        assert head.traceback.startswith("Traceback (most recent call last):")
        assert "IntegrityError" in head.traceback

    def test_every_later_event_of_the_interview_is_parked_behind_it(self, poisoned):
        followers = poisoned.followers()

        assert [f.position for f in followers] == [e.position for e in poisoned.later_events()]
        assert {(f.behind_id, f.state, f.attempts, f.error) for f in followers} == {
            (poisoned.head().id, "parked", 0, "")
        }
        assert poisoned.runner.parked == 1 + len(followers)

    def test_other_interviews_are_applied_in_full(self, poisoned):
        others = rm.Interview.objects.exclude(id=poisoned.interview_id)

        assert others.count() == len(poisoned.workload.interview_ids) - 1
        assert all(is_current(poisoned.store, row) and not row.blocked for row in others)
        sentences = rm.Sentence.objects.exclude(interview_id=poisoned.interview_id)
        assert sentences.count() == sum(
            len(s) for i, s in poisoned.workload.sentence_ids.items() if i != poisoned.interview_id
        )
        assert all(is_current(poisoned.store, row) and not row.blocked for row in sentences)

    def test_the_interview_and_its_sentences_are_marked_blocked(self, poisoned):
        interview = rm.Interview.objects.get(id=poisoned.interview_id)
        first = rm.Sentence.objects.get(id=sentence_id(poisoned.interview_id, 0))

        assert (interview.blocked, first.blocked) == (True, True)
        assert not is_current(poisoned.store, interview)  # its later events wait

    def test_new_events_of_a_blocked_interview_wait_behind_it_in_later_batches(self, poisoned):
        store, workload = poisoned.store, poisoned.workload
        positions = [
            confirm(store, sentence_id(interview_id, 0), "late").position
            for interview_id in (poisoned.interview_id, workload.interview_ids[1])
        ]
        poisoned.runner.catch_up()

        last = ParkedEvent.objects.order_by("position").last()
        assert (last.position, last.behind_id) == (positions[0], poisoned.head().id)
        other = rm.Sentence.objects.get(id=sentence_id(workload.interview_ids[1], 0))
        assert (other.review_note, is_current(store, other)) == ("late", True)


class TestParkedCommand:
    def test_list_shows_the_failure_and_what_waits_behind_it(self, poisoned):
        lines = parked("list").splitlines()

        head, followers = poisoned.head(), poisoned.followers()
        assert len(lines) == 1 + len(followers)
        assert lines[0].split()[:4] == [
            str(head.id),
            "parked",
            str(head.position),
            "SentenceCreated",
        ]
        assert poisoned.key in lines[0]
        assert "IntegrityError" in lines[0]
        assert lines[1].split()[0] == str(followers[0].id)
        assert lines[1].endswith(f"waits behind {head.id}")

    def test_show_prints_the_event_its_error_and_its_traceback(self, poisoned):
        head = poisoned.head()

        out = parked("show", str(head.id))

        fields, end = json.JSONDecoder().raw_decode(out)
        assert (fields["id"], fields["position"]) == (head.id, poisoned.poison.position)
        assert fields["event_id"] == str(poisoned.poison.event_id)
        assert (fields["blocks"], fields["attempts"], fields["error"]) == (
            poisoned.key,
            3,
            head.error,
        )
        assert out[end:].strip() == head.traceback.strip()

    def test_show_refuses_an_unknown_id(self, poisoned):
        with pytest.raises(CommandError, match="no parked event 999999"):
            parked("show", "999999")

    def test_retry_refuses_an_event_that_waits_behind_another(self, poisoned):
        follower = poisoned.followers()[0]

        with pytest.raises(CommandError, match=f"waits behind {poisoned.head().id}"):
            parked("retry", str(follower.id))
        assert ParkedEvent.objects.get(id=follower.id).state == "parked"

    def test_retry_of_a_still_failing_event_keeps_everything_parked(self, poisoned):
        with pytest.raises(CommandError, match="still failing: IntegrityError"):
            parked("retry", "--interview", str(poisoned.interview_id))

        assert poisoned.head().attempts == 4
        assert not ParkedEvent.objects.exclude(state="parked").exists()
        assert rm.Interview.objects.get(id=poisoned.interview_id).blocked is True

    @pytest.mark.parametrize("by", ["id", "interview"])
    def test_retry_after_the_fix_applies_all_in_order_and_matches_a_clean_replay(
        self, poisoned, by
    ):
        waiting = 1 + len(poisoned.followers())
        poisoned.fix()
        target = ["--interview", str(poisoned.interview_id)] if by == "interview" else []

        out = parked("retry", *(target or [str(poisoned.head().id)]))

        assert out.strip() == f"applied {waiting}; 0 still parked"
        assert set(ParkedEvent.objects.values_list("state", flat=True)) == {"resolved"}
        interview = rm.Interview.objects.get(id=poisoned.interview_id)
        sentences = rm.Sentence.objects.filter(interview_id=poisoned.interview_id)
        assert (is_current(poisoned.store, interview), interview.blocked) == (True, False)
        assert all(is_current(poisoned.store, s) and not s.blocked for s in sentences)
        retried = poisoned.runner.projection.digest()
        assert retried == replayed_digest(poisoned.store)


class RunnerParksMeanwhile(RelationalProjection):
    """The relational projection while the live runner keeps following the log: before the
    first parked event is applied again, a new event of the interview arrives and is parked."""

    def __init__(self, poisoned: Poisoned) -> None:
        self.poisoned, self.arrived = poisoned, False

    def apply_parked(self, event: RecordedEvent, parked_id: int) -> None:
        if not self.arrived:
            self.arrived = True
            confirm(self.poisoned.store, sentence_id(self.poisoned.interview_id, 0), "meanwhile")
            self.poisoned.runner.catch_up()
        super().apply_parked(event, parked_id)


class TestRetryEdges:
    def test_an_interview_stays_blocked_while_an_event_parked_during_the_retry_waits(
        self, poisoned
    ):
        poisoned.fix()

        outcome = retry(RunnerParksMeanwhile(poisoned), poisoned.store, poisoned.key)

        waiting = ParkedEvent.objects.filter(state="parked")
        assert [p.event_type for p in waiting] == ["SentenceReviewed"]  # parked meanwhile
        assert (outcome.remaining, waiting[0].blocking_key) == (0, poisoned.key)
        assert rm.Interview.objects.get(id=poisoned.interview_id).blocked is True

    def test_a_partial_retry_leaves_every_sentence_of_the_interview_blocked(self, poisoned):
        second = plant_sentence_row(poisoned.interview_id, 3)  # a second poison, further on
        poisoned.fix()  # only the first

        with pytest.raises(CommandError, match="still failing"):
            parked("retry", "--interview", str(poisoned.interview_id))

        assert ParkedEvent.objects.filter(state="resolved").exists()  # it got past the first
        sentences = rm.Sentence.objects.filter(interview_id=poisoned.interview_id).exclude(
            id=second.id
        )
        assert rm.Interview.objects.get(id=poisoned.interview_id).blocked is True
        assert {(s.index, s.blocked) for s in sentences} == {(s.index, True) for s in sentences}


@pytest.fixture
def orphaned(store, workload) -> tuple[uuid.UUID, RecordedEvent]:
    """An edit of a sentence that was never created, appended straight to the store (it passes
    the catalogue), then the experts go on; everything caught up. Returns the interview and
    the orphan."""
    interview_id, project_id = workload.interview_ids[0], workload.project_ids[0]
    orphan = append_orphan_edit(store, interview_id, project_id)
    confirm(store, sentence_id(interview_id, 0), "after the orphan")
    make_runner(store).catch_up()
    return interview_id, orphan


class TestDiscard:
    def test_a_discarded_event_is_dropped_and_what_waited_can_be_retried(self, store, orphaned):
        interview_id, orphan = orphaned
        head = ParkedEvent.objects.get(position=orphan.position)

        out = parked("discard", str(head.id))

        assert out.strip() == f"discarded {head.id} (SentenceEdited)"
        assert rm.Interview.objects.get(id=interview_id).blocked is True  # one still waits
        assert parked("retry", "--interview", str(interview_id)).strip() == (
            "applied 1; 0 still parked"
        )
        assert rm.Interview.objects.get(id=interview_id).blocked is False
        confirmed = rm.Sentence.objects.get(id=sentence_id(interview_id, 0))
        assert (confirmed.review_note, is_current(store, confirmed)) == ("after the orphan", True)
        assert not rm.Sentence.objects.filter(id=orphan.aggregate_id).exists()
        states = [line.split()[1] for line in parked("list", "--all").splitlines()]
        assert states == ["discarded", "resolved"]
        assert parked("list") == ""

    def test_discarding_every_parked_event_unblocks_the_interview(self, store, orphaned):
        interview_id, _ = orphaned
        for row in ParkedEvent.objects.order_by("-position"):
            parked("discard", str(row.id))

        assert rm.Interview.objects.get(id=interview_id).blocked is False
        assert not rm.Sentence.objects.filter(interview_id=interview_id, blocked=True).exists()

    def test_a_discarded_event_cannot_be_discarded_again(self, store, orphaned):
        _, orphan = orphaned
        head = ParkedEvent.objects.get(position=orphan.position)
        parked("discard", str(head.id))

        with pytest.raises(CommandError, match="is discarded already"):
            parked("discard", str(head.id))


class TestRetryOnEventStoreDB:
    """The same retry on the EventStoreDB adapter (a fake server at esdbclient's boundary):
    commit positions are sparse, and the server refuses to start a read at any other."""

    @pytest.fixture
    def store(self) -> EventStore:
        return EsdbEventStore("esdb://esdb.internal:2113?Tls=false", client=FakeEsdbClient())

    def test_retry_after_the_fix_fetches_each_parked_event_and_applies_all(self, poisoned):
        positions = [e.position for e in poisoned.store.read_all()]
        assert all(b - a > 1 for a, b in pairwise(positions))
        waiting = 1 + len(poisoned.followers())
        poisoned.fix()

        outcome = retry(poisoned.runner.projection, poisoned.store, poisoned.key)

        assert (outcome.applied, outcome.remaining) == (waiting, 0)
        assert set(ParkedEvent.objects.values_list("state", flat=True)) == {"resolved"}
        assert poisoned.runner.projection.digest() == replayed_digest(poisoned.store)

    def test_a_parked_event_the_store_does_not_hold_is_named(self, poisoned):
        head = poisoned.head()
        head.event_id = uuid.uuid4()
        head.save(update_fields=["event_id"])
        poisoned.fix()

        with pytest.raises(ParkedError, match=f"no event {head.event_id} in {head.stream}"):
            retry(poisoned.runner.projection, poisoned.store, poisoned.key)

        assert not ParkedEvent.objects.filter(state="resolved").exists()

    def test_a_parked_event_found_elsewhere_in_the_log_is_refused(self, poisoned):
        head = poisoned.head()
        head.position += 1  # on ESDB, no event's position: the store is not the one it came from
        head.save(update_fields=["position"])
        poisoned.fix()

        with pytest.raises(ParkedError, match=f"was parked at {head.position}: replay"):
            retry(poisoned.runner.projection, poisoned.store, poisoned.key)

        assert not ParkedEvent.objects.filter(state="resolved").exists()
