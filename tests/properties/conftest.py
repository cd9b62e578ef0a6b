import pytest

from events.wiring import get_event_store
from tests.properties.world import World, build_world


@pytest.fixture
def world(db, tmp_path) -> World:
    """The pipeline's world, built once per test in the test's transaction; each example then
    starts from it with an empty read model (scenario.play rolls the example back)."""
    return build_world(get_event_store(), tmp_path)
