"""The admin actions on parked events, with an interview held up behind a parked event."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.wiring import get_event_store
from projections.models import ParkedEvent
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.models import Interview, Sentence
from tests.commands.builders import build_world

pytestmark = pytest.mark.django_db
URL = "admin:projections_parkedevent_changelist"


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def held_up():
    """The world's interview with its first event parked and everything after it behind."""
    store = get_event_store()
    world = build_world(store)
    created = store.read_stream(f"Interview-{world.interview_id}")[0]
    head = ParkedEvent.objects.create(
        projection="relational",
        lane=0,
        position=created.position,
        event_id=created.event_id,
        event_type=created.event_type,
        stream=created.stream,
        blocking_key=f"Interview-{world.interview_id}",
        error="ValueError: simulated",
    )
    ProjectionRunner(get_projection("relational"), store, 12).catch_up()
    return world, head


def test_the_interview_waits_behind_its_parked_event(held_up):
    world, head = held_up
    behind = ParkedEvent.objects.exclude(id=head.id)
    assert behind.count() == 2  # the sentence created and analysed; the head is the interview
    assert set(behind.values_list("behind_id", flat=True)) == {head.id}
    assert not Interview.objects.filter(id=world.interview_id).exists()


def test_retry_applies_the_queue_in_order_and_unblocks(admin_client, held_up):
    world, head = held_up
    response = admin_client.post(
        reverse(URL), {"action": "retry_selected", "_selected_action": [head.id]}, follow=True
    )
    assert "applied 3, 0 still parked" in response.content.decode()
    assert not ParkedEvent.objects.filter(state="parked").exists()
    interview = Interview.objects.get(id=world.interview_id)
    assert (interview.blocked, interview.sentence_count, interview.analyzed_count) == (False, 1, 1)
    assert not Sentence.objects.get(id=world.sentence_id).blocked


def test_discard_drops_an_event_without_applying_it(admin_client, held_up):
    world, head = held_up
    admin_client.post(reverse(URL), {"action": "discard_selected", "_selected_action": [head.id]})
    head.refresh_from_db()
    assert head.state == "discarded"
    assert ParkedEvent.objects.filter(state="parked").count() == 2  # still waiting, in order
    assert not Interview.objects.filter(id=world.interview_id).exists()


def test_parked_events_cannot_be_edited_in_the_admin(admin_client, held_up):
    _, head = held_up
    page = admin_client.get(reverse("admin:projections_parkedevent_change", args=[head.id]))
    assert page.status_code == 200
    assert b'name="error"' not in page.content  # shown, not editable
