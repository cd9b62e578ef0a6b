"""The workload builder the projection tests stand on: every event type of
docs/architecture.md, Events, in size."""

import pytest

from events.catalogue import INTERVIEW_STATUSES
from tests.projections.workload import SPEC_3_EVENT_TYPES, build_workload, event_types


@pytest.mark.django_db
def test_it_records_every_event_type_of_spec_3(store, workload):
    assert event_types(store) == SPEC_3_EVENT_TYPES


@pytest.mark.django_db
def test_it_takes_interviews_through_every_status(store, workload):
    statuses = {e.data["to_status"] for e in store.read_all() if "to_status" in e.data}

    assert statuses == set(INTERVIEW_STATUSES) - {"uploaded"}  # uploaded is implied by creation


@pytest.mark.django_db
def test_it_has_the_size_it_was_asked_for(store):
    workload = build_workload(store, seed=2, projects=1, interviews=3, sentences=4)

    assert len(workload.interview_ids) == 3
    assert [len(s) for s in workload.sentence_ids.values()] == [4, 4, 4]
    assert workload.events == len(store.read_all())
    assert workload.head == store.head_position()
