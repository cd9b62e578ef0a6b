"""`manage.py runprojections` as the operator runs it, in a child process: without --once it
follows new events; SIGTERM and Ctrl-C (SIGINT) finish the batch under way, commit and exit 0.
"""

import re
import signal
import subprocess

import pytest

from tests.projections.helpers import SharedDatabase, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"projects": 2, "interviews": 2, "sentences": 15, "human_commands": 150}
APPLIED = re.compile(r"^relational: applied (\d+), parked 0$", re.MULTILINE)


def applied(child: subprocess.CompletedProcess | subprocess.Popen, stdout: str) -> int:
    """The count a finished runprojections printed; it must have exited 0."""
    assert child.returncode == 0, stdout
    found = APPLIED.search(stdout)
    assert found, stdout
    return int(found[1])


def lanes_at(shared_db: SharedDatabase, position: int) -> bool:
    checkpoints = shared_db.checkpoints()
    return bool(checkpoints) and min(checkpoints.values()) >= position


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stop_signal_ends_the_batch_commits_and_exits_0(shared_db, signum):
    _, events = shared_db.build_workload(seed=9, **SIZES)
    child = shared_db.start("runprojections", "--batch-size", "10")
    assert wait_until(lambda: max(shared_db.checkpoints().values(), default=0) > 0, timeout=30)

    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=10)

    first = applied(child, stdout + stderr)
    assert 0 < first < events  # stopped part-way
    positions = set(shared_db.checkpoints().values())
    assert len(positions) == 1  # the batch under way finished: every lane at its end
    second = shared_db.manage("runprojections", "--once")
    assert first + applied(second, second.stdout + second.stderr) == events  # none lost or repeated
    resumed = shared_db.digest()
    assert shared_db.replay() == resumed


def test_without_once_it_follows_events_appended_later(shared_db):
    first_head, first = shared_db.build_workload(seed=3, projects=1, interviews=2, sentences=3)
    child = shared_db.start("runprojections", "--interval", "0.1")
    assert wait_until(lambda: lanes_at(shared_db, first_head), timeout=30)

    second_head, second = shared_db.build_workload(seed=4, projects=1, interviews=2, sentences=3)

    assert wait_until(lambda: lanes_at(shared_db, second_head), timeout=30)
    child.send_signal(signal.SIGTERM)
    stdout, stderr = child.communicate(timeout=10)
    assert applied(child, stdout + stderr) == first + second
    followed = shared_db.digest()
    assert shared_db.replay() == followed
