"""The crash test (docs/architecture.md, Projections): a runner killed with SIGKILL at random
moments of a catch-up over a few thousand events, again and again, then let finish, leaves the same
read model as one clean replay — every lane resumed from a checkpoint committed with its rows, so no
event was lost and none applied twice."""

import random
import signal
import time

import pytest

from tests.projections.helpers import SharedDatabase, wait_until

SIZES = {"projects": 3, "interviews": 4, "sentences": 40, "human_commands": 1000}
KILLS = 6


def kill_part_way(shared_db: SharedDatabase, rng: random.Random) -> bool:
    """Start a catch-up, let it commit something, SIGKILL it a random moment later; return
    whether it was still running when killed (it may have finished on its own)."""
    before = shared_db.checkpoints()
    child = shared_db.start("runprojections", "--once", "--batch-size", "50")
    progressed = wait_until(
        lambda: shared_db.checkpoints() != before or child.poll() is not None, timeout=30
    )
    assert progressed, "the runner made no progress in 30 s"
    time.sleep(rng.uniform(0.0, 0.5))
    running = child.poll() is None
    child.send_signal(signal.SIGKILL)
    child.wait()
    return running


@pytest.mark.django_db(transaction=True)
def test_a_runner_killed_at_random_moments_ends_with_the_read_model_of_a_clean_replay(
    shared_db,
):
    head, events = shared_db.build_workload(seed=11, **SIZES)
    assert events >= 2000
    rng = random.Random(20250101)

    kills = sum(kill_part_way(shared_db, rng) for _ in range(KILLS))

    assert kills >= 5  # at least five runs died in the middle of their work
    assert min(shared_db.checkpoints().values(), default=0) < head
    shared_db.manage("runprojections", "--once", "--batch-size", "50", check=True)
    assert set(shared_db.checkpoints().values()) == {head}
    resumed = shared_db.digest()
    assert shared_db.replay() == resumed
