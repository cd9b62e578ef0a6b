"""The scrape-time collector: progress read from the database, whoever scrapes."""

import uuid

import pytest

from projections.models import ParkedEvent
from tests.projections_observability.helpers import (
    LANES,
    break_the_database,
    catch_up,
    lane,
    of,
    record_projects,
    scrape_collector,
    unlabelled,
)

pytestmark = pytest.mark.django_db


def park(position: int, state: str = ParkedEvent.State.PARKED) -> None:
    ParkedEvent.objects.create(
        projection="relational",
        lane=0,
        position=position,
        event_id=uuid.uuid4(),
        event_type="ProjectCreated",
        stream="Project-x",
        blocking_key="Project-x",
        state=state,
    )


def test_it_reports_lag_as_head_minus_checkpoint_when_no_runner_ran():
    head = record_projects(3)

    samples = scrape_collector()

    assert samples[unlabelled("event_store_head_position")] == head
    for n in range(LANES):
        assert samples[lane("projection_checkpoint_position", n)] == 0
        assert samples[lane("projection_lag_events", n)] == head
    assert samples[of("projection_lag_events_max")] == head
    assert samples[of("projection_lag_seconds")] >= 0
    assert samples[unlabelled("interview_analyzer_database_up")] == 1
    assert samples[unlabelled("interview_analyzer_event_store_up")] == 1


def test_it_reports_no_lag_after_a_catch_up():
    head = record_projects(3)
    catch_up()

    samples = scrape_collector()

    for n in range(LANES):
        assert samples[lane("projection_checkpoint_position", n)] == head
        assert samples[lane("projection_lag_events", n)] == 0
        assert samples[lane("projection_lane_stalled", n)] == 0
    assert samples[of("projection_lag_events_max")] == 0
    assert samples[of("projection_lag_seconds")] == 0


def test_it_counts_the_events_still_parked():
    park(1)
    park(2)
    park(3, ParkedEvent.State.RESOLVED)
    park(4, ParkedEvent.State.DISCARDED)

    assert scrape_collector()[of("projection_parked_events")] == 2


def test_it_answers_with_the_database_down_instead_of_failing_the_scrape(monkeypatch):
    record_projects(1)
    break_the_database(monkeypatch)

    samples = scrape_collector()

    assert samples[unlabelled("interview_analyzer_database_up")] == 0
    # The SQL event store lives in the same database.
    assert samples[unlabelled("interview_analyzer_event_store_up")] == 0
    assert not any(name.startswith("projection_") for name, _ in samples)
