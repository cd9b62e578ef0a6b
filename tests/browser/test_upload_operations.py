"""Uploading a transcript in the browser and watching a real django-q worker finish it; the
operations page as staff see it, with a parked event discarded from it."""

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from commands.aggregates.sentence import sentence_id
from events.store import EventStore
from events.wiring import get_event_store
from ingestion.models import Upload
from projections.models import ParkedEvent
from tests.browser.conftest import screenshot
from tests.ingestion.conftest import REPO
from tests.projections.workload import append_orphan_edit, confirm

TRANSCRIPT = """\
---
language: en
---
Interviewer: How do you plan a release today?
Dana: We collect the requests in Jira and sort them every Monday.
Dana: The hard part is saying no to the sales team.
Interviewer: What would help you most?
Dana: A clear view of what each customer asked for, in one place.
"""


@pytest.fixture
def start_worker(manage_process: tuple) -> Iterator[Callable[[], None]]:
    """Starts `manage.py qcluster` (the django-q2 worker `make run` starts) on demand, so a
    test can first see its upload wait in the queue; stopped at the end like the runner."""
    env, _ = manage_process
    processes: list[subprocess.Popen] = []

    def start() -> None:
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=REPO,
                env={**env, "Q_WORKERS": "1"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_reviewer_uploads_a_transcript_and_watches_it_get_analysed(
    page_for, world, start_worker, tmp_path
):
    transcript = tmp_path / "release-planning.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    page = page_for("rita", "/projects/ledgerline/")
    page.get_by_role("link", name="Upload a transcript").click()
    page.get_by_label("Transcript").set_input_files(str(transcript))
    page.get_by_label("Title (optional)").fill("Release planning with Dana")
    page.get_by_role("button", name="Upload").click()

    page.wait_for_url(re.compile(r"/uploads/\w+/$"))
    state = page.locator("#upload-state [data-state]")
    expect(state).to_have_attribute("data-state", "queued")  # no worker yet
    page.evaluate("window.notReloaded = true")

    start_worker()
    expect(state).to_have_attribute("data-state", "done finished", timeout=120_000)
    assert page.evaluate("window.notReloaded") is True  # htmx swapped it in place
    interview_id = Upload.objects.get().interview_id
    expect(page.get_by_role("link", name="Review the interview")).to_have_attribute(
        "href", f"/interviews/{interview_id}/"
    )
    expect(page.get_by_role("progressbar", name="analysed 100%")).to_be_visible()
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url))
    page.wait_for_timeout(2_500)
    assert polls == []  # answered 286 at the final state: htmx stopped polling
    screenshot(page, "upload")

    page.get_by_role("link", name=re.compile("All interviews")).click()
    expect(page.get_by_role("row").filter(has_text="Release planning with Dana")).to_contain_text(
        "analyzed"
    )


def test_a_file_that_is_not_a_transcript_is_refused_on_the_form(page_for, world, tmp_path):
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 not a transcript")
    page = page_for("rita", "/projects/ledgerline/upload/")
    page.get_by_label("Transcript").set_input_files(str(report))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("report.pdf looks like a PDF")
    expect(page.get_by_label("Transcript")).to_have_attribute("aria-invalid", "true")
    assert not Upload.objects.exists()


def test_staff_see_the_lag_of_every_lane_and_discard_a_parked_event(page_for, world):
    store = get_event_store()
    orphan = _append_an_edit_of_a_sentence_never_created(store, world)
    parked = _wait_for(lambda: ParkedEvent.objects.filter(position=orphan).first())

    page = page_for("ada")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations").click()
    expect(page.locator("#ops-live .badge")).to_have_text("ready")
    lanes = page.locator('table.lanes[data-projection="relational"] tbody tr')
    expect(lanes).to_have_count(12)
    row = page.locator(f"#parked-{parked.id}")
    expect(row).to_contain_text("SentenceEdited")
    expect(row).to_contain_text(f"Interview-{world['interview_id']}")
    screenshot(page, "operations")

    # The lag section follows the log by itself: one more event shows up without a reload.
    head = store.head_position()
    confirm(store, sentence_id(world["interview_id"], 1), "while the page is open")
    expect(page.locator("#ops-live")).to_contain_text(
        f"head at position {head + 1}", timeout=15_000
    )

    page.once("dialog", lambda dialog: dialog.accept())  # hx-confirm asks first
    row.get_by_role("button", name=f"Discard #{parked.id}").click()
    expect(page.locator(".messages")).to_contain_text(f"Discarded #{parked.id}")
    expect(row).to_have_count(0)
    parked.refresh_from_db()
    assert parked.state == "discarded"


def test_a_reviewer_has_no_operations_link_and_no_access(page_for, world):
    page = page_for("rita")
    expect(page.get_by_role("link", name="Projects")).to_be_visible()
    expect(page.get_by_role("link", name="Operations")).to_have_count(0)
    assert page.goto("/operations/").status == 403


def _append_an_edit_of_a_sentence_never_created(store: EventStore, world: dict) -> int:
    """A poison the catalogue accepts but the projector cannot apply: the live runner retries
    it, then parks it. Returns its position."""
    orphan = append_orphan_edit(store, world["interview_id"], world["project_id"], index=999)
    return orphan.position


def _wait_for(find: Callable[[], ParkedEvent | None], timeout: float = 30) -> ParkedEvent:
    deadline = time.monotonic() + timeout
    while (found := find()) is None:
        assert time.monotonic() < deadline, "the runner did not park the event"
        time.sleep(0.2)
    return found
