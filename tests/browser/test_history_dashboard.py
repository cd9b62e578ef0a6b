"""A sentence's history and the project dashboard, in the browser.

The corrections are dispatched in-process as rita (the review page that makes them is built
elsewhere); the `runprojections` process of the `world` fixture projects them, as in `make run`.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from commands.aggregates import sentence_id
from commands.bus import dispatch
from commands.messages import ConfirmSentence, EditSentence, HumanCommand, OverrideAnalysis
from events.dimensions import PURPOSES
from events.envelope import Actor
from events.wiring import get_event_store
from projections.waiting import wait_for_position
from readmodel.models import Sentence
from tests.browser.conftest import screenshot

CHARTS = (
    "Review progress",
    "Override rate per dimension",
    "Function type: AI vs expert",
    "Purpose: AI vs expert",
    "Function type",
    "Purpose",
    "Topic (level 1)",
    "Overall keywords",
    "Domain keywords",
)


def as_rita(command_type: type[HumanCommand], sid, **fields) -> int:
    """Dispatch rita's command at the sentence's current version; its position, projected."""
    rita = User.objects.get(username="rita")
    version = get_event_store().current_version(f"Sentence-{sid}")
    result = dispatch(
        command_type(
            actor=Actor.human(rita.pk, "rita"),
            expected_version=version,
            sentence_id=sid,
            **fields,
        )
    )
    assert wait_for_position(result.position, timeout=30), "the runner did not project it"
    return result.position


def other_purpose(sid) -> tuple[str, str]:
    current = Sentence.objects.get(id=sid).purpose
    return current, next(p for p in PURPOSES if p not in (current, "Statement"))


@pytest.fixture
def reviewed_world(world):
    """Sentence 1 overridden (purpose), then edited, by rita; a few more sentences overridden
    or confirmed, so the dashboard has something to show."""
    sid = sentence_id(world["interview_id"], 1)
    old_purpose, new_purpose = other_purpose(sid)
    old_text = Sentence.objects.get(id=sid).text
    as_rita(
        OverrideAnalysis,
        sid,
        fields={"purpose": new_purpose},
        reason="she asks the team for a decision",
    )
    as_rita(EditSentence, sid, new_text=old_text.rstrip(".!?") + ", please.", reason="misheard")
    for index in (2, 5):
        other = sentence_id(world["interview_id"], index)
        as_rita(OverrideAnalysis, other, fields={"purpose": other_purpose(other)[1]}, reason="no")
    for index in (0, 3, 4, 6):
        as_rita(ConfirmSentence, sentence_id(world["interview_id"], index))
    return {
        **world,
        "sid": sid,
        "old_purpose": old_purpose,
        "new_purpose": new_purpose,
        "old_text": old_text,
    }


def test_a_reviewer_reads_a_sentence_history_and_looks_back_in_time(page_for, reviewed_world):
    w = reviewed_world
    page = page_for("rita", f"/sentences/{w['sid']}/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of sentence 2")

    override = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Analysis overridden")
    )
    expect(override).to_contain_text("rita")
    expect(override).to_contain_text("she asks the team for a decision")
    change = override.get_by_role("row").filter(has_text="purpose")
    expect(change.get_by_role("cell").nth(0)).to_have_text(w["old_purpose"])
    expect(change.get_by_role("cell").nth(1)).to_contain_text(w["new_purpose"])
    edit = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Text edited"))
    expect(edit.locator("ins")).to_contain_text("please.")
    screenshot(page, "history")

    analysis = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="AI analysis")
    )
    analysis.get_by_role("link", name=re.compile("View as of this point")).click()
    expect(page).to_have_url(re.compile(r"\?as_of=\d+"))
    expect(page.get_by_role("heading", name=re.compile(r"As of position \d+"))).to_be_visible()
    purpose = page.get_by_role("table", name=re.compile("Analysis as of")).get_by_role(
        "row", name=re.compile("^purpose")
    )
    expect(purpose.locator("td.effective")).to_have_text(w["old_purpose"])
    expect(page.locator("blockquote.sentence-text")).to_have_text(w["old_text"])
    expect(page.locator("li.event.selected")).to_contain_text("AI analysis")


def test_a_viewer_sees_the_project_dashboard_charts(page_for, reviewed_world):
    page = page_for("vera", "/projects/ledgerline/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("dashboard")
    for name in CHARTS:
        expect(page.get_by_role("img", name=name, exact=True)).to_be_visible()
    progress = page.get_by_role("figure").filter(
        has=page.get_by_role("img", name="Review progress", exact=True)
    )
    progress.get_by_text("Data table").click()
    expect(progress.get_by_role("row", name=re.compile("^All interviews"))).to_contain_text("4")
    progress.get_by_text("Data table").click()
    screenshot(page, "dashboard")
