import time

import pytest

from commands.bus import handle
from commands.messages import ConfirmSentence
from commands.repository import Repository
from events.wiring import get_event_store
from projections.lanes import lane_of
from projections.models import LaneCheckpoint
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from projections.waiting import applied_position, wait_for_position
from tests.commands.builders import REVIEWER, build_world

pytestmark = pytest.mark.django_db
LANES = 12


@pytest.fixture
def world():
    return build_world(get_event_store())


def catch_up() -> None:
    ProjectionRunner(get_projection("relational"), get_event_store(), LANES).catch_up()


def confirm(world):
    version = get_event_store().current_version(world.sentence_stream)
    return handle(
        ConfirmSentence(actor=REVIEWER, sentence_id=world.sentence_id, expected_version=version),
        Repository(get_event_store()),
    )


def test_it_answers_at_once_when_the_position_is_applied(world):
    written = confirm(world)
    catch_up()
    started = time.monotonic()
    assert wait_for_position(written.position, interview_id=world.interview_id, lanes=LANES)
    assert time.monotonic() - started < 0.5


def test_it_gives_up_after_the_timeout_when_the_projection_lags(world):
    catch_up()
    written = confirm(world)  # no runner: never applied
    started = time.monotonic()
    assert not wait_for_position(written.position, timeout=0.2, lanes=LANES)
    assert 0.2 <= time.monotonic() - started < 1.0


def test_it_watches_only_the_lane_of_the_interview_given(world):
    written = confirm(world)
    catch_up()
    lane = lane_of(f"Interview-{world.interview_id}", LANES)
    other = (lane + 1) % LANES
    LaneCheckpoint.objects.filter(projection="relational", lane=other).update(position=0)

    assert applied_position(key=f"Interview-{world.interview_id}", lanes=LANES) >= written.position
    assert applied_position(lanes=LANES) == 0  # all lanes: the lagging one counts
    assert wait_for_position(written.position, interview_id=world.interview_id, lanes=LANES)
    assert not wait_for_position(written.position, timeout=0, lanes=LANES)
