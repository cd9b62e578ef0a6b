import os

import pytest

from tests.events.contract import EventStoreContract

ESDB_URL = os.environ.get("ESDB_URL", "")


@pytest.mark.skipif(
    not ESDB_URL,
    reason="ESDB_URL is not set: no EventStoreDB/KurrentDB server can be installed here",
)
class TestEsdbEventStore(EventStoreContract):
    @pytest.fixture
    def store(self):
        from events.esdb_store import EsdbEventStore

        store = EsdbEventStore(ESDB_URL)
        yield store
        store.close()
