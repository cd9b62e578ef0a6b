"""Scale-out: two `runprojections` processes share the lanes through lease rows; one is killed
with SIGKILL, the other takes its lanes over once the leases expire, follows the events appended
since, and the read model equals a clean replay's."""

import signal

import pytest

from tests.projections.helpers import LANES, SharedDatabase, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

LEASE_SECONDS = "2"
SIZES = {"projects": 3, "interviews": 4, "sentences": 6, "human_commands": 200}


def start_runner(shared_db: SharedDatabase, *lanes: str):
    return shared_db.start(
        "runprojections",
        "--projection",
        "relational",
        "--lease-seconds",
        LEASE_SECONDS,
        "--interval",
        "0.05",
        "--batch-size",
        "20",
        *lanes,
    )


def runner_name(child) -> str:
    """The owner name the runner printed first ("relational: lanes 0-11 of 12, ... as NAME")."""
    first = child.stdout.readline()
    assert " shared through leases as " in first, first
    return first.rsplit(" as ", 1)[1].strip()


def caught_up(shared_db: SharedDatabase, head: int) -> bool:
    positions = shared_db.checkpoints()
    return len(positions) == LANES and min(positions.values()) >= head


def test_a_killed_runners_lanes_are_taken_over_and_the_model_equals_a_replay(shared_db):
    head, _ = shared_db.build_workload(seed=21, **SIZES)
    first, second = start_runner(shared_db), start_runner(shared_db)
    first_name, second_name = runner_name(first), runner_name(second)
    assert wait_until(
        lambda: set(shared_db.lease_owners().values()) == {first_name, second_name}, timeout=30
    ), shared_db.lease_owners()
    assert wait_until(lambda: caught_up(shared_db, head), timeout=60)
    killed_lanes = {lane for lane, owner in shared_db.lease_owners().items() if owner == first_name}

    first.send_signal(signal.SIGKILL)
    first.wait()
    later_head, _ = shared_db.build_workload(seed=22, **SIZES)

    assert wait_until(
        lambda: shared_db.lease_owners() == dict.fromkeys(range(LANES), second_name), timeout=30
    ), shared_db.lease_owners()
    assert killed_lanes  # the survivor took over lanes that were the killed runner's
    assert wait_until(lambda: caught_up(shared_db, later_head), timeout=60)
    assert second.poll() is None
    second.send_signal(signal.SIGTERM)
    out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "parked 0" in out
    assert shared_db.lease_owners() == {}  # a clean exit gives its lanes back
    live = shared_db.digest()
    assert shared_db.replay() == live


def test_runners_pinned_to_halves_of_the_lanes_each_keep_their_half(shared_db):
    head, _ = shared_db.build_workload(seed=23, projects=2, interviews=3, sentences=4)
    low = start_runner(shared_db, "--lanes", f"0-{LANES // 2 - 1}")
    high = start_runner(shared_db, "--lanes", f"{LANES // 2}-{LANES - 1}")
    low_name, high_name = runner_name(low), runner_name(high)

    assert wait_until(lambda: caught_up(shared_db, head), timeout=60)
    owners = shared_db.lease_owners()
    assert owners == {lane: low_name if lane < LANES // 2 else high_name for lane in range(LANES)}
    low.send_signal(signal.SIGKILL)
    low.wait()
    later_head, _ = shared_db.build_workload(seed=24, projects=1, interviews=2, sentences=4)

    # The high half follows; the low half waits for a runner allowed to take it.
    assert wait_until(
        lambda: (
            min(p for lane, p in shared_db.checkpoints().items() if lane >= LANES // 2)
            >= later_head
        ),
        timeout=60,
    )
    assert set(shared_db.lease_owners().values()) <= {low_name, high_name}
    assert all(
        owner == high_name for lane, owner in shared_db.lease_owners().items() if lane >= LANES // 2
    )
