import uuid

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from events.models import StoredEvent
from events.sql_store import SqlEventStore
from events.store import NO_STREAM
from tests.conftest import POSTGRES_ONLY
from tests.events.contract import EventStoreContract
from tests.factories import project_created, project_stream


@pytest.mark.django_db
class TestSqlEventStore(EventStoreContract):
    @pytest.fixture
    def store(self):
        return SqlEventStore()


@pytest.mark.django_db
def test_it_upcasts_events_recorded_under_an_old_schema():
    # A ProjectCreated of schema v1 (before per-project keyword lists), as an older release
    # wrote it: it must load as v2 with the default keyword list.
    project_id = uuid.uuid4()
    StoredEvent.objects.create(
        event_id=uuid.uuid4(),
        stream=f"Project-{project_id}",
        category="Project",
        aggregate_id=project_id,
        version=0,
        event_type="ProjectCreated",
        schema_version=1,
        occurred_at="2025-01-01T00:00:00Z",
        recorded_at="2025-01-01T00:00:00Z",
        actor={"type": "system", "id": "pipeline", "display": "system:pipeline"},
        correlation_id=uuid.uuid4(),
        causation_id=uuid.uuid4(),
        data={"name": "Legacy", "slug": "legacy"},
    )
    [event] = SqlEventStore().read_stream(f"Project-{project_id}")
    assert event.schema_version == 2
    assert event.data["name"] == "Legacy"
    assert "Jira" in event.data["domain_keywords"]
    assert len(event.data["domain_keywords"]) == 45


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason=POSTGRES_ONLY)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event_store SET event_type = 'Tampered'",
        "DELETE FROM event_store",
        "TRUNCATE event_store",
    ],
)
def test_postgresql_refuses_to_change_or_remove_events(statement):
    SqlEventStore().append(project_stream(), [project_created()], NO_STREAM)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert StoredEvent.objects.count() == 1
