"""The upload page and its live progress, the staff's operations page, and the Django admin.

Through the Django test client, on SQLite and PostgreSQL: uploads go through the same service
as the API (validated in full, nothing queued when refused); the progress page follows the
task and the read model; parked events are retried and discarded from the operations page.
"""

import re
import time
from html import escape

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_q.models import OrmQ

from access.models import Membership
from commands.aggregates.sentence import sentence_id
from events.wiring import get_event_store
from ingestion.models import Upload
from projections.lanes import lane_of
from projections.models import ParkedEvent
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.models import Interview, Project, Sentence
from tests.projections.workload import append_orphan_edit, confirm
from tests.web.helpers import archive, catch_up, logged_in

pytestmark = pytest.mark.django_db

TRANSCRIPT = b"Interviewer: How do you plan releases?\nDana: We use Jira for the backlog.\n"
UPLOAD_URL = "/projects/ledgerline/upload/"


@pytest.fixture
def ledgerline(ledgerline) -> dict:
    """The shared ledgerline world, with a logged-in browser for each of its people:
    rita (reviewer), vera (viewer), otto (outsider), ada (staff, admin of the project)."""
    return {
        "project_id": ledgerline.project_id,
        "interview_id": ledgerline.interview_id,
        "sample": ledgerline.sample,
        **{name: logged_in(user) for name, user in ledgerline.users.items()},
    }


def post_file(
    client: Client, content: bytes = TRANSCRIPT, name: str = "call.txt", **fields: str
) -> HttpResponse:
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content), **fields})


def nothing_queued(head: int) -> None:
    assert OrmQ.objects.count() == 0
    assert Upload.objects.count() == 0
    assert get_event_store().head_position() == head


def file_error(response: HttpResponse) -> str:
    found = re.search(r'<p id="file-error"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert found, "no error next to the file field"
    return found.group(1)


# --- The upload form --------------------------------------------------------------------------


def test_the_upload_form_is_shown_to_a_reviewer_with_a_label_on_every_control(ledgerline):
    response = ledgerline["rita"].get(UPLOAD_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    for control in ("id_file", "id_title"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}"' in page


def test_a_viewer_may_not_upload(ledgerline):
    head = get_event_store().head_position()
    assert ledgerline["vera"].get(UPLOAD_URL).status_code == 403
    assert post_file(ledgerline["vera"]).status_code == 403
    nothing_queued(head)


def test_an_outsider_is_told_the_project_does_not_exist(ledgerline):
    assert ledgerline["otto"].get(UPLOAD_URL).status_code == 404
    assert post_file(ledgerline["otto"]).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(ledgerline):
    response = Client().get(UPLOAD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.txt", "empty.txt is empty"),
        (b"%PDF-1.7 binary", "report.pdf", "looks like a PDF"),
        ("Dana: caf\u00e9".encode("latin-1"), "latin.txt", "is not UTF-8 text"),
        (b"WEBVTT\n\n", "nothing.vtt", "no sentences"),
    ],
)
def test_a_file_that_cannot_be_ingested_is_shown_again_with_the_reason_and_queues_nothing(
    ledgerline, content, name, says
):
    head = get_event_store().head_position()
    response = post_file(ledgerline["rita"], content, name, title="Kept")
    assert response.status_code == 400
    assert says in file_error(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'value="Kept"' in response.content.decode()  # what was typed is not lost
    nothing_queued(head)


def test_a_file_over_the_limit_is_a_413_and_queues_nothing(ledgerline, settings):
    settings.INGEST_MAX_BYTES = 1_000
    head = get_event_store().head_position()
    response = post_file(ledgerline["rita"], b"Dana: " + b"We ship on Fridays. " * 100)
    assert response.status_code == 413
    assert "INGEST_MAX_BYTES" in file_error(response)
    nothing_queued(head)


def test_a_form_without_a_file_is_a_400_naming_the_field(ledgerline):
    head = get_event_store().head_position()
    response = ledgerline["rita"].post(UPLOAD_URL, {"title": "No file"})
    assert response.status_code == 400
    assert "required" in file_error(response)
    nothing_queued(head)


def test_the_content_of_an_archived_interview_is_refused_with_a_409(ledgerline):
    archive(ledgerline["interview_id"], User.objects.get(username="ada"))
    head = get_event_store().head_position()
    sample = ledgerline["sample"]
    response = post_file(ledgerline["rita"], sample.read_bytes(), sample.name)
    assert response.status_code == 409
    assert "archived" in file_error(response)
    nothing_queued(head)


def test_a_good_file_is_queued_and_the_uploader_is_sent_to_its_progress_page(ledgerline):
    head = get_event_store().head_position()
    response = post_file(ledgerline["rita"], title="Release planning")
    assert response.status_code == 303
    upload = Upload.objects.get()
    assert response["Location"] == f"/uploads/{upload.task_id}/"
    assert (upload.filename, upload.uploaded_by.username) == ("call.txt", "rita")
    assert OrmQ.objects.count() == 1
    assert get_event_store().head_position() == head  # queued, not yet run


# --- The progress page ------------------------------------------------------------------------


def test_a_queued_upload_shows_as_queued_and_keeps_polling(ledgerline):
    progress = post_file(ledgerline["rita"])["Location"]
    page = ledgerline["rita"].get(progress)
    assert page.status_code == 200
    assert 'data-state="queued"' in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()
    poll = ledgerline["rita"].get(progress, headers={"HX-Request": "true"})
    assert poll.status_code == 200  # not 286: htmx polls on
    assert "<html" not in poll.content.decode()  # the partial only
    assert 'data-state="queued"' in poll.content.decode()


def test_a_finished_upload_shows_its_counters_links_to_its_review_and_stops_polling(
    ledgerline, run_tasks_inline
):
    progress = post_file(ledgerline["rita"], title="Release planning")["Location"]
    upload = Upload.objects.get()
    # The task is done, but the read model has not shown the interview yet: polling goes on.
    poll = ledgerline["rita"].get(progress, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert 'data-state="done"' in poll.content.decode()
    assert "on its way" in poll.content.decode()

    catch_up()
    poll = ledgerline["rita"].get(progress, headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling on this answer
    partial = poll.content.decode()
    assert 'data-state="done finished"' in partial
    assert 'aria-label="analysed 100%"' in partial
    assert "2/2 analysed" in partial
    assert f'href="{reverse("review", args=[upload.interview_id])}"' in partial
    assert f'href="{reverse("interviews", args=["ledgerline"])}"' in partial

    page = ledgerline["vera"].get(progress).content.decode()  # viewers may follow it too
    assert "hx-trigger" not in page
    assert "Review the interview" in page
    interview = Interview.objects.get(id=upload.interview_id)
    assert (interview.title, interview.status) == ("Release planning", "analyzed")
    created = get_event_store().read_stream(f"Interview-{upload.interview_id}")[0]
    assert created.actor.display == "rita"  # the logged-in user, whatever the form held


def test_the_progress_page_is_for_members_of_the_project(ledgerline):
    progress = post_file(ledgerline["rita"])["Location"]
    assert ledgerline["otto"].get(progress).status_code == 404
    assert ledgerline["vera"].get("/uploads/0123456789abcdef/").status_code == 404
    assert Client().get(progress).status_code == 302


# --- The operations page ----------------------------------------------------------------------


@pytest.fixture
def parked(ledgerline: dict) -> dict:
    """A poison in the log: an edit of a sentence that was never created (it passes the
    catalogue, the projector cannot apply it), then a confirmation in the same interview, which
    waits behind it. Projected: both end up parked, the interview blocked."""
    store = get_event_store()
    interview_id, project_id = ledgerline["interview_id"], ledgerline["project_id"]
    append_orphan_edit(store, interview_id, project_id, index=999)
    confirm(store, sentence_id(interview_id, 0), "after the orphan")
    ProjectionRunner(get_projection("relational"), store, 12, backoff=0).catch_up()
    head, follower = ParkedEvent.objects.order_by("position")
    assert Interview.objects.get(id=interview_id).blocked
    return {**ledgerline, "head": head, "follower": follower}


def test_the_operations_page_is_for_staff_only(ledgerline):
    assert ledgerline["rita"].get("/operations/").status_code == 403
    response = Client().get("/operations/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_readiness_and_the_lag_of_every_lane(ledgerline):
    response = ledgerline["ada"].get("/operations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span class="badge ok">ready</span>' in page
    lanes = re.search(
        r'<table class="list lanes" data-projection="relational">.*?</table>', page, re.S
    )
    assert lanes, "no lane table for the relational projection"
    assert len(re.findall(r'<th scope="row">\d+</th>', lanes.group(0))) == 12
    assert "caught up" in lanes.group(0)
    assert "No parked events" in page


def test_lanes_left_behind_by_a_stopped_runner_show_as_stalled_and_not_ready(ledgerline, settings):
    settings.PROJECTION_STALL_SECONDS = 0
    interview_id = ledgerline["interview_id"]
    confirm(get_event_store(), sentence_id(interview_id, 0), "no runner applies it")
    time.sleep(0.05)  # behind for longer than the limit, and no checkpoint moved
    page = ledgerline["ada"].get("/operations/").content.decode()
    assert '<span class="badge bad">not ready</span>' in page
    assert "stalled lanes" in page  # the readiness check says which
    lanes = re.search(
        r'<table class="list lanes" data-projection="relational">.*?</table>', page, re.S
    ).group(0)
    lane = lane_of(f"Interview-{interview_id}", 12)
    assert re.search(rf'<tr class="stalled">\s*<th scope="row">{lane}</th>', lanes)
    assert '<span class="check failing">stalled</span>' in lanes


def test_the_lag_section_refreshes_itself_from_the_same_view(ledgerline):
    page = ledgerline["ada"].get("/operations/").content.decode()
    assert 'id="ops-live"' in page
    assert 'hx-trigger="every 5s"' in page
    head = get_event_store().head_position()
    confirm(get_event_store(), sentence_id(ledgerline["interview_id"], 0), "not projected yet")
    poll = ledgerline["ada"].get(
        "/operations/", headers={"HX-Request": "true", "HX-Target": "ops-live"}
    )
    partial = poll.content.decode()
    assert poll.status_code == 200
    assert "<html" not in partial
    assert "Parked events" not in partial
    assert f"head at {head + 1}" in partial
    assert "catching up" in partial


def test_a_parked_event_is_listed_with_its_error_and_traceback(parked):
    page = parked["ada"].get("/operations/").content.decode()
    head, follower = parked["head"], parked["follower"]
    row = re.search(rf'<tr id="parked-{head.id}">.*?</tr>', page, re.S).group(0)
    assert "SentenceEdited" in row
    assert f"Interview-{parked['interview_id']}" in row
    assert str(head.position) in row
    assert escape(head.error.splitlines()[0][:60]) in row
    assert "<details><summary>Traceback</summary>" in row
    assert "Retry" in row
    assert "Discard" in row
    behind = re.search(rf'<tr id="parked-{follower.id}">.*?</tr>', page, re.S).group(0)
    assert f"waits behind #{head.id}" in behind
    assert "Retry" not in behind  # only the first of a queue can be retried
    assert "hx-confirm" in behind  # discarding asks first


def test_retrying_an_event_that_still_fails_says_so_and_keeps_it_parked(parked):
    head = parked["head"]
    response = parked["ada"].post(reverse("parked-retry", args=[head.id]), follow=True)
    assert response.redirect_chain == [("/operations/", 303)]
    assert "applied 0, 2 still parked. It still fails" in response.content.decode()
    head.refresh_from_db()
    assert (head.state, head.attempts) == ("parked", 4)


def test_discarding_the_poison_then_retrying_what_waited_unblocks_the_interview(parked):
    head, follower = parked["head"], parked["follower"]
    response = parked["ada"].post(reverse("parked-discard", args=[head.id]), follow=True)
    assert f"Discarded #{head.id} (SentenceEdited" in response.content.decode()
    head.refresh_from_db()
    assert head.state == "discarded"

    response = parked["ada"].post(reverse("parked-retry", args=[follower.id]), follow=True)
    assert "applied 1, 0 still parked" in response.content.decode()
    assert "No parked events" in response.content.decode()
    assert not Interview.objects.get(id=parked["interview_id"]).blocked
    first = Sentence.objects.get(id=sentence_id(parked["interview_id"], 0))
    assert (first.reviewed, first.review_note) == (True, "after the orphan")


def test_an_event_waiting_behind_another_cannot_be_retried_first(parked):
    follower = parked["follower"]
    response = parked["ada"].post(reverse("parked-retry", args=[follower.id]), follow=True)
    assert f"waits behind {parked['head'].id}" in response.content.decode()
    follower.refresh_from_db()
    assert follower.state == "parked"


def test_only_staff_may_retry_or_discard_and_only_by_post(parked):
    head = parked["head"]
    for url in (reverse("parked-retry", args=[head.id]), reverse("parked-discard", args=[head.id])):
        assert parked["rita"].post(url).status_code == 403
        assert parked["ada"].get(url).status_code == 405
    head.refresh_from_db()
    assert (head.state, head.attempts) == ("parked", 3)


def test_acting_on_an_event_no_longer_parked_is_a_warning(parked):
    head = parked["head"]
    parked["ada"].post(reverse("parked-discard", args=[head.id]))
    response = parked["ada"].post(reverse("parked-discard", args=[head.id]), follow=True)
    assert "is discarded already" in response.content.decode()
    assert parked["ada"].post(reverse("parked-retry", args=[999_999])).status_code == 404


# --- The Django admin -------------------------------------------------------------------------


@pytest.fixture
def superuser_client(ledgerline: dict) -> Client:
    return logged_in(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))


ADMIN_PAGES = [
    "auth_user",
    "auth_group",
    "access_membership",
    "authtoken_tokenproxy",
    "projections_parkedevent",
    "projections_lanecheckpoint",
    "readmodel_project",
    "readmodel_interview",
    "readmodel_sentence",
    "events_storedevent",
    "ingestion_upload",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_superuser_opens_each_admin_list(superuser_client, page):
    assert superuser_client.get(reverse(f"admin:{page}_changelist")).status_code == 200


def test_every_registered_admin_list_opens(superuser_client):
    failing = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = superuser_client.get(url).status_code
        if status != 200:
            failing[url] = status
    assert failing == {}


@pytest.mark.parametrize("model", [Project, Interview, Sentence, Upload, ParkedEvent])
def test_read_models_cannot_be_added_or_changed_in_the_admin(superuser_client, model):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="root")
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert superuser_client.get(add).status_code == 403


def test_memberships_are_listed_with_user_project_and_role_filters_and_search(superuser_client):
    membership_admin = admin.site._registry[Membership]
    assert {"user", "project", "role"} <= set(membership_admin.list_display)
    assert {"role", "project"} <= set(membership_admin.list_filter)
    url = reverse("admin:access_membership_changelist")
    found = superuser_client.get(url, {"q": "rita"}).content.decode()
    assert "rita" in found
    assert "vera" not in found
    viewers = superuser_client.get(url, {"role__exact": "viewer"}).content.decode()
    assert "vera" in viewers
    assert "rita" not in viewers
