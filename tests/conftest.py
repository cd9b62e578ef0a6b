import os

import pytest
from django.db import connection

os.environ.setdefault("DEBUG", "1")

POSTGRES_ONLY = "needs PostgreSQL: runs in the PostgreSQL pass of `make test`"


def _set_truncate_trigger(enabled: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE event_store {'ENABLE' if enabled else 'DISABLE'}"
            " TRIGGER event_store_no_truncate"
        )


@pytest.fixture(autouse=True)
def _event_store_stays_append_only(request):
    """Keep PostgreSQL's append-only triggers on during every test.

    Tests with real commits (`transaction=True`) are cleaned up by Django with TRUNCATE, which
    the trigger rightly refuses; only for that clean-up, and only in the throwaway test
    database, the TRUNCATE trigger is switched off — and back on before the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = marker.kwargs.get("transaction", bool(marker.args and marker.args[0]))
    request.getfixturevalue("transactional_db" if transactional else "db")
    if connection.vendor != "postgresql":
        yield
        return
    _set_truncate_trigger(True)
    yield
    if transactional:
        _set_truncate_trigger(False)


@pytest.fixture(autouse=True)
def _graph_only_where_asked(request, monkeypatch):
    """The graph projection exists wherever NEO4J_BOLT_URL is set (projections.registry), and
    `make test` sets it for the whole run; only tests marked `neo4j` (all of tests/graph) keep
    it, so the others see the relational projection alone, in this process and in the
    `manage.py` children they start."""
    if request.node.get_closest_marker("neo4j"):
        yield
        return
    from django.test import override_settings

    monkeypatch.delenv("NEO4J_BOLT_URL", raising=False)
    with override_settings(NEO4J_BOLT_URL=""):
        yield


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """django-q2's documented `sync` mode: a queued task runs at once, in this process, and
    its result is saved as a worker's would be (a real worker: tests/ingestion/test_tasks.py)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
