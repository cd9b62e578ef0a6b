"""projection_status: lag per lane, and when a lane counts as stalled."""

from datetime import datetime, timedelta

import pytest

from events.wiring import get_event_store
from projections.models import LaneCheckpoint
from projections.status import projection_status
from tests.projections_observability.helpers import LANES, catch_up, record_projects

pytestmark = pytest.mark.django_db
STALL = 120


def relational(**kwargs) -> dict:
    (status,) = projection_status(LANES, **kwargs)
    assert status["projection"] == "relational"
    return status


def put_lanes_at(position: int, *, moved_at: datetime) -> None:
    """Every lane's checkpoint at `position`, last moved at `moved_at`."""
    for lane in range(LANES):
        LaneCheckpoint.objects.create(projection="relational", lane=lane, position=position)
    # auto_now stamps the real time on save; an update sets any time we like.
    LaneCheckpoint.objects.filter(projection="relational").update(updated_at=moved_at)


def test_it_reports_lag_as_head_minus_each_lanes_checkpoint():
    first = record_projects(1)
    head = record_projects(2)
    LaneCheckpoint.objects.create(projection="relational", lane=3, position=first)

    status = relational()

    lags = {row["lane"]: row["lag_events"] for row in status["lanes"]}
    assert lags[3] == head - first
    assert lags[0] == head  # never ran: position 0
    assert status["lag_events"] == head
    assert status["head_position"] == head


def test_it_reports_the_age_of_the_oldest_event_a_lane_has_not_applied():
    record_projects(1)
    first_pending, *_ = get_event_store().read_all()
    record_projects(1)
    now = first_pending.recorded_at + timedelta(seconds=90)

    status = relational(now=now)

    assert {row["lag_seconds"] for row in status["lanes"]} == {90.0}
    assert status["lag_seconds"] == 90.0


def test_it_reports_nothing_pending_after_a_catch_up():
    record_projects(3)
    catch_up()

    status = relational()

    assert status["lag_events"] == 0
    assert status["lag_seconds"] == 0.0
    assert all(row["updated_at"] is not None for row in status["lanes"])
    assert status["stalled_lanes"] == []


@pytest.mark.parametrize(
    ("checkpoint_moved_ago", "event_waiting_for", "stalled"),
    [
        (timedelta(hours=1), timedelta(seconds=STALL + 1), True),
        # Idle for an hour, then an event arrived a moment ago: the runner simply has not
        # polled yet.
        (timedelta(hours=1), timedelta(seconds=5), False),
        # Far behind, but the checkpoint is moving: a catch-up or a replay under way.
        (timedelta(seconds=5), timedelta(hours=1), False),
    ],
    ids=["stuck", "just-arrived", "moving"],
)
def test_a_lane_is_stalled_only_when_behind_and_still_for_too_long(
    settings, checkpoint_moved_ago, event_waiting_for, stalled
):
    settings.PROJECTION_STALL_SECONDS = STALL
    caught_up_to = record_projects(1)
    record_projects(1)
    pending = get_event_store().read_all(after=caught_up_to)[0]
    now = pending.recorded_at + event_waiting_for
    put_lanes_at(caught_up_to, moved_at=now - checkpoint_moved_ago)

    status = relational(now=now)

    assert [row["stalled"] for row in status["lanes"]] == [stalled] * LANES
    assert status["stalled_lanes"] == (list(range(LANES)) if stalled else [])


def test_a_caught_up_lane_is_never_stalled_however_long_ago_it_moved():
    record_projects(2)
    catch_up()
    LaneCheckpoint.objects.update(updated_at=get_event_store().read_all()[0].recorded_at)

    status = relational(now=get_event_store().read_all()[-1].recorded_at + timedelta(days=1))

    assert status["stalled_lanes"] == []
