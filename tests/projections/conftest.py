from collections.abc import Iterator

import pytest

from events.sql_store import SqlEventStore
from projections.runner import ProjectionRunner
from readmodel.projection import RelationalProjection
from tests.ingestion.conftest import manage_process  # noqa: F401 (a fixture, reused here)
from tests.projections.helpers import SharedDatabase, make_runner
from tests.projections.workload import Workload, build_workload


@pytest.fixture
def store() -> SqlEventStore:
    return SqlEventStore()


@pytest.fixture
def runner(store) -> ProjectionRunner:
    """12 lanes, batches of 100, no real sleeps between attempts."""
    return make_runner(store)


@pytest.fixture
def projection(runner) -> RelationalProjection:
    return runner.projection


@pytest.fixture
def workload(store) -> Workload:
    """4 interviews of 5 sentences in 2 projects, 40 expert commands: ~130 events."""
    return build_workload(store, seed=1)


@pytest.fixture
def shared_db(manage_process) -> Iterator[SharedDatabase]:  # noqa: F811
    """A database shared with `manage.py` child processes; children still running at the end
    are killed (SIGKILL), so none outlives its test."""
    env, manage = manage_process
    shared = SharedDatabase(env, manage)
    yield shared
    shared.kill_children()
