"""Version guards (docs/architecture.md, Projections): an event at or below its row's stream version
changes nothing, so applying events again (after a crash, or with checkpoints lost) is harmless."""

import pytest

from projections.lanes import blocking_key, lane_of
from projections.models import LaneCheckpoint
from tests.projections.helpers import LANES, make_runner

pytestmark = pytest.mark.django_db


def test_applying_the_whole_log_again_changes_nothing(store, workload, runner, projection):
    runner.catch_up()
    before = projection.digest()
    LaneCheckpoint.objects.filter(projection=projection.name).delete()  # only the checkpoints

    again = make_runner(store)
    again.catch_up()

    assert again.applied == workload.events  # every event went through the guards again
    assert projection.digest() == before


def test_an_event_at_or_below_its_rows_version_is_skipped(store, workload, runner, projection):
    runner.catch_up()
    before, checkpoints = projection.digest(), projection.stored_checkpoints()
    stream = f"Sentence-{workload.all_sentence_ids[0]}"
    created, *_, last = store.read_stream(stream)
    lane = lane_of(blocking_key(created), LANES)

    projection.apply(lane, [created, last])

    assert projection.digest() == before
    assert projection.stored_checkpoints() == checkpoints  # and never lowered


def test_an_interview_event_below_the_rows_version_is_skipped(store, workload, runner, projection):
    runner.catch_up()
    before = projection.digest()
    events = store.read_stream(f"Interview-{workload.interview_ids[0]}")
    status_changes = [e for e in events if e.event_type == "InterviewStatusChanged"]

    projection.apply(lane_of(blocking_key(events[0]), LANES), status_changes[:1])

    assert projection.digest() == before
