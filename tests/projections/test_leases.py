"""Lane leases (projections.leases): runners share a projection's lanes through rows in the
database — an even share each, pinned subsets respected, a lane never held by two live runners,
a silent runner's lanes taken over once its leases expire, a clean exit handing over at once."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from projections.leases import LaneLeases, LeaseConflict, describe_lanes, parse_lanes
from projections.models import LaneLease, RunnerPresence
from projections.status import projection_status
from tests.projections.helpers import LANES, make_runner, replayed_digest
from tests.projections.workload import build_workload

pytestmark = pytest.mark.django_db

ALL = frozenset(range(LANES))


def runner_leases(name: str, eligible: frozenset[int] = ALL, ttl: float = 30.0) -> LaneLeases:
    return LaneLeases("relational", LANES, eligible, ttl=ttl, owner=name)


def settle(*runners: LaneLeases, rounds: int = 3) -> None:
    """Every runner refreshes, in turn, a few times: hand-overs take one round to release and
    the next to claim. After each refresh no lane is held by two runners."""
    for _ in range(rounds):
        for runner in runners:
            runner.refresh()
            assert_disjoint(runners)


def assert_disjoint(runners: tuple[LaneLeases, ...]) -> None:
    for i, one in enumerate(runners):
        for other in runners[i + 1 :]:
            assert not one.held & other.held, (one.owner, other.owner)


def owners() -> dict[int, str]:
    return dict(LaneLease.objects.exclude(owner="").values_list("lane", "owner"))


@pytest.mark.parametrize(
    ("spec", "lanes"),
    [("0-5", set(range(6))), ("7", {7}), ("0-2, 9,11", {0, 1, 2, 9, 11}), ("3-3", {3})],
)
def test_lanes_are_given_as_numbers_and_ranges(spec, lanes):
    assert parse_lanes(spec, LANES) == lanes
    assert parse_lanes(describe_lanes(lanes), LANES) == lanes


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("12", "lane 12 does not exist: lanes are 0 to 11"),
        ("5-2", "the range goes backwards"),
        ("a-b", "is not a lane or a range like 0-5"),
        ("", "is not a lane or a range like 0-5"),
        ("-3", "is not a lane or a range like 0-5"),
        ("1,,2", "is not a lane or a range like 0-5"),
    ],
)
def test_a_wrong_lane_list_is_refused_with_the_reason(spec, error):
    with pytest.raises(ValueError, match=error):
        parse_lanes(spec, LANES)


def test_a_lone_runner_takes_every_lane():
    alone = runner_leases("a")

    assert alone.refresh() == ALL
    assert owners() == dict.fromkeys(ALL, "a")


def test_a_second_runner_gets_a_share_and_no_lane_is_held_twice():
    a, b = runner_leases("a"), runner_leases("b")
    a.refresh()

    settle(b, a)

    assert a.held
    assert b.held
    assert a.held | b.held == ALL
    assert owners() == {lane: "a" if lane in a.held else "b" for lane in ALL}


def test_three_runners_share_the_lanes_roughly_evenly():
    runners = tuple(runner_leases(name) for name in "abc")

    settle(*runners)

    assert frozenset().union(*(r.held for r in runners)) == ALL
    assert all(2 <= len(r.held) <= 6 for r in runners), [len(r.held) for r in runners]


def test_a_live_runners_lane_is_not_taken_before_it_lets_go():
    a = runner_leases("a")
    a.refresh()
    b = runner_leases("b")

    b.refresh()  # b's lanes are still a's, live: b gets nothing yet

    assert b.held == frozenset()
    a.refresh()  # a sees b and lets go of b's lanes
    assert b.refresh() == ALL - a.held


def test_pinned_runners_keep_to_their_lanes():
    low, high = runner_leases("low", frozenset(range(6))), runner_leases("high", ALL - {0, 1, 2})

    settle(low, high)

    assert low.held <= frozenset(range(6))
    assert low.held | high.held == ALL  # high takes 6-11, and a share of 3-5
    assert {0, 1, 2} <= low.held


def test_the_lanes_of_a_runner_that_stopped_renewing_are_taken_over_when_it_expires():
    killed, survivor = runner_leases("killed", ttl=0.5), runner_leases("survivor", ttl=0.5)
    settle(killed, survivor)
    assert killed.held

    time.sleep(0.6)  # killed renews nothing: its presence and its leases expire

    assert survivor.refresh() == ALL
    assert owners() == dict.fromkeys(ALL, "survivor")


def test_a_runner_that_leaves_cleanly_hands_its_lanes_over_at_once():
    leaving, staying = runner_leases("leaving"), runner_leases("staying")
    settle(leaving, staying)

    leaving.release()

    assert staying.refresh() == ALL
    assert not RunnerPresence.objects.filter(owner="leaving").exists()


def test_a_runner_with_another_lane_count_is_refused_while_the_first_is_live():
    runner_leases("a").refresh()
    other = LaneLeases("relational", 8, frozenset(range(8)), owner="b")

    with pytest.raises(
        LeaseConflict, match="runner a runs the relational projection with 12 lanes"
    ):
        other.refresh()

    assert not RunnerPresence.objects.filter(owner="b").exists()  # refused: left no trace
    assert owners() == dict.fromkeys(ALL, "a")


def test_a_refresh_within_a_third_of_the_lease_reads_nothing(django_assert_num_queries):
    now = [0.0]
    leases = LaneLeases("relational", LANES, ALL, ttl=30.0, owner="a", clock=lambda: now[0])
    leases.lanes()

    with django_assert_num_queries(0):
        assert leases.lanes() == ALL
    now[0] = 10.0
    leases.lanes()  # renewed
    assert LaneLease.objects.get(lane=0).expires_at > RunnerPresence.objects.get().started_at


def test_two_leased_runners_together_build_the_read_model_of_a_clean_replay(store):
    # 12 interviews and 3 projects: enough keys that both runners' lanes have events.
    workload = build_workload(store, seed=4, projects=3, interviews=4, sentences=3)
    a = make_runner(store, batch_size=20, leases=runner_leases("a"))
    b = make_runner(store, batch_size=20, leases=runner_leases("b"))
    a.process_batch()  # a alone: every lane
    b.leases.refresh()
    a.leases.refresh()  # a hands b its share

    while a.process_batch() + b.process_batch():
        a.leases.refresh()
        b.leases.refresh()

    assert a.applied > 0
    assert b.applied > 0
    assert a.applied + b.applied == workload.events
    assert set(a.projection.checkpoints(LANES).values()) == {store.head_position()}
    live = a.projection.digest()
    assert replayed_digest(store) == live


def test_the_command_refuses_a_wrong_lane_list(capsys):
    with pytest.raises(CommandError, match="--lanes: lane 12 does not exist"):
        call_command("runprojections", "--lanes", "0-12")
    with pytest.raises(CommandError, match="--lease-seconds must be positive"):
        call_command("runprojections", "--lease-seconds", "0")


def test_the_command_refuses_a_lane_count_a_live_runner_does_not_use():
    runner_leases("a").refresh()

    with pytest.raises(CommandError, match="must use the same --lane-count"):
        call_command("runprojections", "--lane-count", "8", "--projection", "relational")


def test_the_status_names_the_runner_holding_each_lane(store, runner):
    runner.process_batch()  # records every lane's checkpoint
    runner_leases("a", frozenset({0, 1})).refresh()

    (relational,) = projection_status(LANES, store=store)

    runners = {row["lane"]: row["runner"] for row in relational["lanes"]}
    assert runners == {lane: "a" if lane in {0, 1} else None for lane in ALL}


def test_rows_of_runners_dead_for_an_hour_are_removed():
    runner_leases("long-dead").refresh()
    RunnerPresence.objects.filter(owner="long-dead").update(
        expires_at=timezone.now() - timedelta(hours=2)
    )
    runner_leases("recently-dead").refresh()
    RunnerPresence.objects.filter(owner="recently-dead").update(
        expires_at=timezone.now() - timedelta(minutes=5)
    )

    runner_leases("alive").refresh()

    assert set(RunnerPresence.objects.values_list("owner", flat=True)) == {
        "recently-dead",
        "alive",
    }
