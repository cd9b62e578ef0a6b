"""`manage.py replay [NAME] [--yes]`: rebuild a projection from event 0, safe to interrupt."""

import io
import signal
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tqdm import tqdm

from events.esdb_store import EsdbEventStore
from projections.leases import LaneLeases
from tests.events.fake_esdb import FakeEsdbClient
from tests.projections.helpers import wait_until
from tests.projections.workload import build_workload

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


class RecordedBar(tqdm):
    """tqdm as replay uses it, but always on (off a terminal replay hides it); records its end."""

    ended: ClassVar[list[tuple[float, float]]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "disable": False, "file": io.StringIO()})

    def close(self) -> None:
        if not getattr(self, "_ended", False):
            self._ended = True
            RecordedBar.ended.append((self.total, self.n))
        super().close()


@pytest.fixture
def on_eventstoredb(monkeypatch) -> EsdbEventStore:
    """replay on the EventStoreDB adapter over a fake server: sparse commit positions."""
    store = EsdbEventStore("esdb://esdb.internal:2113?Tls=false", client=FakeEsdbClient())
    monkeypatch.setattr("projections.management.commands.replay.get_event_store", lambda: store)
    return store


@pytest.mark.django_db
def test_on_eventstoredb_the_question_names_the_head_position_not_a_count_of_events(
    on_eventstoredb, monkeypatch
):
    workload = build_workload(on_eventstoredb, seed=1)
    head = on_eventstoredb.head_position()
    assert head > 2 * workload.events  # commit positions: far more than the events
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError) as refused:
        replay("relational")

    assert f"rebuild it from the event log (head at position {head})?" in str(refused.value)
    assert f"{head} events" not in str(refused.value)


@pytest.mark.django_db
def test_on_eventstoredb_the_progress_bar_runs_to_the_head_position(on_eventstoredb, monkeypatch):
    workload = build_workload(on_eventstoredb, seed=1)
    head = on_eventstoredb.head_position()
    RecordedBar.ended.clear()
    monkeypatch.setattr("projections.management.commands.replay.tqdm", RecordedBar)

    out = replay("relational", "--yes", "--batch-size", "30")

    assert out.strip() == f"replayed relational: {workload.events} events applied, 0 parked"
    assert RecordedBar.ended == [(head, head)]  # full, and not past its end
