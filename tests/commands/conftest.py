import pytest

from commands.repository import Repository
from events.sql_store import SqlEventStore
from tests.commands.builders import World, build_world


@pytest.fixture
def store() -> SqlEventStore:
    return SqlEventStore()


@pytest.fixture
def repo(store) -> Repository:
    return Repository(store)


@pytest.fixture
def world(store) -> World:
    """A project, an interview and a sentence with an AI analysis, all in the real store."""
    return build_world(store)
