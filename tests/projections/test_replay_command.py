"""`manage.py replay [NAME] [--yes]`: rebuild a projection from event 0, safe to interrupt."""

import io
import signal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projections.leases import LaneLeases
from tests.projections.helpers import wait_until

SIZES = {"projects": 2, "interviews": 3, "sentences": 20, "human_commands": 300}


def replay(*args: str) -> str:
    out = io.StringIO()
    call_command("replay", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_asks_for_yes_when_not_on_a_terminal(store, workload, runner, projection, monkeypatch):
    runner.catch_up()
    before = projection.digest()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, whatever pytest runs in

    with pytest.raises(CommandError, match="Pass --yes to confirm when not on a terminal"):
        replay("relational")
    assert projection.digest() == before
    assert set(projection.checkpoints(12).values()) == {store.head_position()}


@pytest.mark.django_db
def test_it_refuses_while_a_runner_follows_the_projection(store, workload, runner, projection):
    runner.catch_up()
    before = projection.digest()
    LaneLeases("relational", 12, frozenset(range(12)), owner="host:42:abc").refresh()

    with pytest.raises(CommandError, match=r"1 runprojections process follows the relational"):
        replay("relational", "--yes")

    assert projection.digest() == before
    out = replay("relational", "--yes", "--while-running")
    assert out.startswith(f"replayed relational: {workload.events} events applied")


@pytest.mark.django_db
def test_it_rebuilds_what_the_live_projection_built(store, workload, runner, projection):
    runner.catch_up()
    live = projection.digest()

    out = replay("relational", "--yes", "--batch-size", "30")

    assert out.strip() == f"replayed relational: {workload.events} events applied, 0 parked"
    assert projection.digest() == live


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_replay_run_again_gives_the_same_read_model(shared_db):
    head, _ = shared_db.build_workload(seed=5, **SIZES)
    shared_db.manage("runprojections", "--once", check=True)
    live = shared_db.digest()

    child = shared_db.start("replay", "relational", "--yes", "--batch-size", "20")
    # Reset, then part-way: some checkpoints written again, none at the head yet.
    assert wait_until(
        lambda: 0 < max(shared_db.checkpoints().values(), default=0) < head, timeout=30
    )
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert shared_db.digest() != live  # the kill left a half-built read model
    assert shared_db.replay() == live
