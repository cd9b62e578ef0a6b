from datetime import timedelta

import pytest
from django.utils import timezone

from events.wiring import get_event_store
from projections.models import LaneCheckpoint
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from tests.commands.builders import build_world

pytestmark = pytest.mark.django_db


def test_a_moving_checkpoint_records_when_it_moved():
    # Stall detection reads updated_at; queryset.update() alone would leave it at creation time.
    runner = ProjectionRunner(get_projection("relational"), get_event_store(), 12)
    build_world(get_event_store())
    runner.catch_up()
    long_ago = timezone.now() - timedelta(hours=1)
    LaneCheckpoint.objects.update(updated_at=long_ago)

    build_world(get_event_store())
    runner.catch_up()

    assert all(
        moved > long_ago + timedelta(minutes=59)
        for moved in LaneCheckpoint.objects.values_list("updated_at", flat=True)
    )
