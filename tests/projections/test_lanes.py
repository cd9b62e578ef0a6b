"""Routing to lanes (docs/architecture.md, Projections): by interview, stable across processes,
spread evenly, in order."""

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from uuid import UUID

import pytest

from events.envelope import RecordedEvent
from projections.lanes import blocking_key, lane_of
from readmodel import models as rm
from readmodel.projection import RelationalProjection
from tests.projections.helpers import LANES, make_runner
from tests.projections.workload import SENTENCE_EVENT_TYPES


class RecordingProjection(RelationalProjection):
    """The relational projection, noting which lane applied which event."""

    def __init__(self) -> None:
        self.applied: list[tuple[int, RecordedEvent]] = []

    def apply(self, lane: int, events: Sequence[RecordedEvent]) -> None:
        super().apply(lane, events)
        self.applied.extend((lane, event) for event in events)


def test_a_fixed_key_always_goes_to_the_same_lane():
    # Lanes persist through their checkpoints: a hash that changed between processes or
    # releases (like the salted built-in hash()) would re-route interviews past their events.
    assert lane_of("Interview-00000000-0000-4000-8000-000000000001", 12) == 7
    assert lane_of("Project-00000000-0000-4000-8000-000000000002", 12) == 2


def test_it_spreads_200_interviews_over_12_lanes():
    rng = random.Random(200)
    keys = [f"Interview-{UUID(int=rng.getrandbits(128), version=4)}" for _ in range(200)]

    per_lane = Counter(lane_of(key, LANES) for key in keys)

    assert sorted(per_lane) == list(range(LANES))
    assert max(per_lane.values()) <= 2.5 * 200 / LANES


@pytest.mark.django_db
def test_every_event_of_an_interview_is_applied_in_one_lane_in_log_order(store, workload):
    projection = RecordingProjection()
    runner = make_runner(store, batch_size=25)  # several batches, each across many lanes
    runner.projection = projection
    runner.catch_up()

    lanes_of: dict[str, set[int]] = defaultdict(set)
    positions_in: dict[int, list[int]] = defaultdict(list)
    for lane, event in projection.applied:
        lanes_of[blocking_key(event)].add(lane)
        positions_in[lane].append(event.position)
    assert all(len(lanes) == 1 for lanes in lanes_of.values())
    assert len(lanes_of) == len(workload.project_ids) + len(workload.interview_ids)
    assert all(positions == sorted(positions) for positions in positions_in.values())
    applied = sorted(event.position for _, event in projection.applied)
    assert applied == [event.position for event in store.read_all()]  # each exactly once


@pytest.mark.django_db
def test_every_sentence_event_type_is_routed_by_its_interview(store, workload, runner):
    """docs/architecture.md, Standing rule 3: the replaced router dropped every sentence event but
    SentenceCreated."""
    interview_of = {s: i for i, sentences in workload.sentence_ids.items() for s in sentences}
    sentence_events = [e for e in store.read_all() if e.aggregate_type == "Sentence"]
    assert {e.event_type for e in sentence_events} == SENTENCE_EVENT_TYPES

    for event in sentence_events:
        assert blocking_key(event) == f"Interview-{interview_of[event.aggregate_id]}"


@pytest.mark.django_db
def test_every_event_of_every_type_reaches_the_read_model(store, workload, runner):
    runner.catch_up()

    rows = [*rm.Project.objects.all(), *rm.Interview.objects.all(), *rm.Sentence.objects.all()]
    assert len(rows) == len(workload.project_ids) + len(workload.interview_ids) + len(
        workload.all_sentence_ids
    )
    for row in rows:
        stream = f"{type(row).__name__}-{row.id}"
        assert row.version == store.current_version(stream), stream
