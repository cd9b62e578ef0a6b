import pytest

from events.wiring import get_event_store
from projections.runner import LaneLayoutError, ProjectionRunner
from readmodel.projection import RelationalProjection
from tests.commands.builders import build_world

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    pass


class DiesAfterOneLane(RelationalProjection):
    def apply(self, lane, events):
        super().apply(lane, events)
        raise Killed


def test_a_run_that_dies_in_its_first_batch_has_recorded_all_its_lanes():
    for _ in range(4):
        build_world(get_event_store())
    runner = ProjectionRunner(DiesAfterOneLane(), get_event_store(), 12)
    with pytest.raises(Killed):
        runner.process_batch()

    stored = RelationalProjection().stored_checkpoints()
    assert set(stored) == set(range(12))
    assert len(set(stored.values())) == 2  # one lane moved, the others at 0
    with pytest.raises(LaneLayoutError):
        ProjectionRunner(RelationalProjection(), get_event_store(), 8).check_lane_layout()


def test_an_even_layout_may_change_its_lane_count_and_starts_every_lane_there():
    build_world(get_event_store())
    ProjectionRunner(RelationalProjection(), get_event_store(), 12).catch_up()
    head = get_event_store().head_position()

    ProjectionRunner(RelationalProjection(), get_event_store(), 8).check_lane_layout()

    assert RelationalProjection().stored_checkpoints() == dict.fromkeys(range(8), head)
