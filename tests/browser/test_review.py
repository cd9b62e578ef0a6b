"""Reviewing an interview in the browser: the keyboard loop, overrides with the mouse, a
conflict between two experts, what a viewer sees, and keyboard/screen-reader basics."""

import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from commands.aggregates import sentence_id
from commands.bus import dispatch
from commands.messages import ConfirmSentence, EditSentence, OverrideAnalysis
from events.dimensions import PURPOSES, TOPICS
from events.envelope import Actor
from events.wiring import get_event_store
from projections.waiting import wait_for_position
from readmodel.models import Sentence
from tests.browser.conftest import screenshot
from web.review import listing

CONTROLS = "input:not([type=hidden]), select, textarea, button, a[href], summary"


def open_review(page_for, world, name: str) -> Page:
    page = page_for(name, f"/interviews/{world['interview_id']}/")
    expect(page.locator("#sentences .sentence").first).to_be_visible()
    page.evaluate("window.noReloadMarker = 'set before any action'")
    return page


def row_id(world, index: int) -> str:
    return f"s-{sentence_id(world['interview_id'], index)}"


def sentence_at(world, index: int) -> Sentence:
    return Sentence.objects.get(id=sentence_id(world["interview_id"], index))


def stream(world, index: int) -> list:
    return list(
        get_event_store().read_stream(f"Sentence-{sentence_id(world['interview_id'], index)}")
    )


def focused(page: Page, row: str) -> None:
    """Wait until the element with id `row` has the focus.

    A locator assertion, not wait_for_function: Playwright evaluates that predicate with
    eval, which the pages' Content-Security-Policy refuses.
    """
    expect(page.locator(f"#{row}")).to_be_focused()


def focused_name(page: Page) -> str:
    return page.evaluate("document.activeElement?.getAttribute('name') || ''")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.noReloadMarker") == "set before any action"


def other_purposes(world, index: int) -> list[str]:
    current = sentence_at(world, index).effective.get("purpose")
    return [p for p in PURPOSES if p != current]


def override_with_the_mouse(page: Page, row: str, purpose: str, reason: str) -> None:
    open_override(page, row)
    save_override(page, row, purpose, reason)


def open_override(page: Page, row: str) -> None:
    page.locator(f"#{row}").get_by_role("link", name="Override", exact=True).click()
    expect(page.locator(f"#{row} form.correction")).to_be_visible()


def save_override(page: Page, row: str, purpose: str, reason: str) -> None:
    form = page.locator(f"#{row} form.correction")
    form.get_by_label("Purpose").select_option(purpose)
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Save the override").click()


def assert_every_control_is_named(controls) -> None:
    assert controls.count() > 0
    for index in range(controls.count()):
        expect(controls.nth(index)).to_have_accessible_name(re.compile(r"\S"))


def as_sam(world) -> Actor:
    return Actor.human(User.objects.get(username="sam").pk, "sam")


def test_a_reviewer_reviews_with_the_keyboard_only(page_for, world):
    page = open_review(page_for, world, "rita")
    first, second, third = (row_id(world, i) for i in range(3))
    page.keyboard.press("j")
    focused(page, first)
    page.keyboard.press("j")
    focused(page, second)
    page.keyboard.press("k")
    focused(page, first)

    page.keyboard.press("c")
    expect(page.locator(f"#{first} .s-head")).to_contain_text("reviewed by rita")
    focused(page, first)

    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page.locator(f"#{second} form.correction")).to_be_visible()
    expect(page.locator(f"#{second} [name='function_type']")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused_name(page) == "purpose"
    purpose = other_purposes(world, 1)[0]
    for _ in range(PURPOSES.index(purpose) + 1):  # from "keep" down to the chosen label
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{second} select[name=purpose]")).to_have_value(purpose)
    for _ in range(10):
        if focused_name(page) == "reason":
            break
        page.keyboard.press("Tab")
    assert focused_name(page) == "reason"
    page.keyboard.type("the speaker asks for a decision")
    page.keyboard.press("Enter")

    expert = page.locator(f"#{second} .value.expert")
    expect(expert).to_contain_text(purpose)
    expect(expert.locator(".badge.expert")).to_have_text("expert")
    focused(page, second)

    page.keyboard.press("Enter")  # confirm, and on to the next
    focused(page, third)
    expect(page.locator(f"#{second} .s-head")).to_contain_text("reviewed by rita")
    assert_not_reloaded(page)
    assert [e.event_type for e in stream(world, 1)][-2:] == [
        "AnalysisOverridden",
        "SentenceReviewed",
    ]


def test_e_edits_r_reverts_and_keys_typed_into_a_form_are_text_not_shortcuts(page_for, world):
    sentence = sentence_at(world, 7)
    dispatch(
        OverrideAnalysis(
            actor=as_sam(world),
            sentence_id=sentence.id,
            fields={"purpose": other_purposes(world, 7)[0]},
            reason="sam's purpose",
            expected_version=sentence.version,
        )
    )
    assert wait_for_position(get_event_store().head_position(), timeout=30)
    page = open_review(page_for, world, "rita")
    row = row_id(world, 7)
    page.locator(f"#{row}").focus()

    page.keyboard.press("e")
    text = page.locator(f"#{row} textarea[name=text]")
    expect(text).to_be_focused()
    text.press("Control+End")
    page.keyboard.type(" jkeorcn/?")  # each of them a shortcut outside a form
    expect(page.locator("form.correction")).to_have_count(1)
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    expect(text).to_have_value(sentence.text + " jkeorcn/?")
    page.locator(f"#{row} input[name=reason]").focus()
    page.keyboard.type("kept the keys")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{row} .s-text")).to_have_text(sentence.text + " jkeorcn/?")
    focused(page, row)
    assert stream(world, 7)[-1].event_type == "SentenceEdited"

    page.keyboard.press("r")
    revert = page.locator(f"#{row} form.correction")
    expect(revert.get_by_role("checkbox")).to_be_focused()  # the override to revert
    page.keyboard.press("Space")
    revert.get_by_label("Reason").fill("the AI was right")
    revert.get_by_label("Reason").press("Enter")
    expect(page.locator(f"#{row} .value.expert")).to_have_count(0)
    focused(page, row)
    assert_not_reloaded(page)
    assert stream(world, 7)[-1].event_type == "AnalysisOverrideReverted"


def test_an_override_with_the_mouse_is_marked_recorded_and_filterable(page_for, world):
    page = open_review(page_for, world, "rita")
    row = row_id(world, 3)
    purpose = other_purposes(world, 3)[0]
    override_with_the_mouse(page, row, purpose, "it asks, it does not state")

    value = page.locator(f"#{row} .value.expert")
    expect(value).to_contain_text(purpose)
    expect(value).to_contain_text("AI:")  # the AI's value stays visible beside the expert's
    assert_not_reloaded(page)
    last = stream(world, 3)[-1]
    assert last.event_type == "AnalysisOverridden"
    assert (last.actor.id, last.actor.display) == (
        str(User.objects.get(username="rita").pk),
        "rita",
    )
    assert last.data["reason"] == "it asks, it does not state"

    # The filters narrow the list in place and keep only what is set in the URL.
    page.get_by_role("checkbox", name="overridden", exact=True).check()
    expect(page.locator("#sentences .sentence")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/\?overridden=true$"))
    assert_not_reloaded(page)


def test_a_conflict_shows_the_other_experts_change_and_reapplies_on_top(page_for, world):
    rita, sam = open_review(page_for, world, "rita"), open_review(page_for, world, "sam")
    row, before = row_id(world, 5), sentence_at(world, 5).effective["purpose"]
    sams, ritas = other_purposes(world, 5)[:2]

    open_override(rita, row)
    override_with_the_mouse(sam, row, sams, "sam's reading")  # while rita's form is open
    expect(sam.locator(f"#{row} .value.expert")).to_contain_text(sams)
    save_override(rita, row, ritas, "rita's reading")

    conflict = rita.locator(f"#{row} .conflict")
    expect(conflict).to_contain_text("your change was not saved")
    expect(conflict.locator(".actor")).to_have_text("sam")
    expect(conflict).to_contain_text(f"Purpose: {before} → {sams}")
    expect(conflict).to_contain_text("sam's reading")
    expect(conflict).to_contain_text(f"Purpose → {ritas}")
    conflict.get_by_role("button", name="Apply my change on top").click()

    expect(rita.locator(f"#{row} .value.expert")).to_contain_text(ritas)
    expect(rita.locator(f"#{row} .conflict")).to_have_count(0)
    assert_not_reloaded(rita)
    overrides = [e for e in stream(world, 5) if e.event_type == "AnalysisOverridden"]
    assert [(e.actor.display, e.data["fields"]["purpose"]) for e in overrides] == [
        ("sam", sams),
        ("rita", ritas),
    ]
    assert overrides[1].version == overrides[0].version + 1
    assert overrides[1].data["previous"] == {"purpose": sams}


def test_a_reviewer_can_drop_her_change_after_a_conflict(page_for, world):
    rita = open_review(page_for, world, "rita")
    row, sentence = row_id(world, 6), sentence_at(world, 6)
    topic = next(t for t in TOPICS if t != sentence.effective.get("topic_level_1"))
    open_override(rita, row)
    dispatch(
        OverrideAnalysis(
            actor=as_sam(world),
            sentence_id=sentence.id,
            fields={"topic_level_1": topic},
            reason="sam's topic",
            expected_version=sentence.version,
        )
    )
    save_override(rita, row, other_purposes(world, 6)[0], "rita's purpose")

    conflict = rita.locator(f"#{row} .conflict")
    expect(conflict).to_contain_text(f"→ {topic}")
    expect(rita.locator(f"#{row} .conflict:focus-within")).to_have_count(1)
    rita.keyboard.press("Escape")  # = "Drop my change"
    expect(rita.locator(f"#{row} .conflict")).to_have_count(0)
    expect(rita.locator(f"#{row} .value.expert")).to_contain_text(topic)
    focused(rita, row)
    assert [e.actor.display for e in stream(world, 6)][-1] == "sam"


def test_a_viewer_sees_no_edit_control_and_a_forged_post_is_refused(page_for, world):
    page = open_review(page_for, world, "vera")
    expect(page.locator("#sentences .sentence")).to_have_count(world["sentences"])
    for name in ("Edit text", "Override", "Revert override", "Confirm", "Confirm with a note"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"Confirm \d+"))).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page.locator("form.correction")).to_have_count(0)

    before = len(stream(world, 0))
    status = page.evaluate(
        """async (url) => {
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const body = new FormData();
            for (const [k, v] of [["version", "1"], ["purpose", "Query"], ["reason", "forged"]])
                body.set(k, v);
            const headers = {"X-CSRFToken": token};
            return (await fetch(url, {method: "POST", body, headers})).status;
        }""",
        f"/review/sentences/{sentence_id(world['interview_id'], 0)}/override/",
    )
    assert status == 403
    assert len(stream(world, 0)) == before


def test_the_page_works_with_a_keyboard_and_names_every_control(page_for, world):
    page = open_review(page_for, world, "rita")
    first = row_id(world, 0)

    # Tab from the filter bar: the list is one stop (its active row, then that row's own
    # controls), and Tab carries on past the list.
    page.keyboard.press("/")
    expect(page.locator("#filter-q")).to_be_focused()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("Boolean(document.activeElement.closest('#sentences'))"):
            break
    focused(page, first)
    rows_visited = set()
    for _ in range(15):
        page.keyboard.press("Tab")
        inside = page.evaluate("document.activeElement.closest('#sentences .sentence')?.id || ''")
        if not inside:
            break
        rows_visited.add(inside)
    assert rows_visited == {first}
    assert page.evaluate("document.activeElement.textContent").startswith("Back to the interviews")

    # Forms opened with the keyboard; Tab gets out of them both ways: no trap.
    page.keyboard.press("j")
    page.keyboard.press("o")
    form = page.locator(f"#{first} form.correction")
    expect(form).to_be_visible()
    form.locator("summary").click()  # the domain keywords too
    page.locator(f"#{first} select").first.focus()
    for key in ("Tab", "Shift+Tab"):
        page.locator(f"#{first} select").first.focus()
        for _ in range(80):
            page.keyboard.press(key)
            if not page.evaluate("Boolean(document.activeElement.closest('#sentences'))"):
                break
        assert not page.evaluate("Boolean(document.activeElement.closest('#sentences'))"), key
    page.locator(f"#{row_id(world, 1)}").get_by_role("link", name="Edit text").click()
    expect(page.locator(f"#{row_id(world, 1)} form.correction")).to_be_visible()

    # Every control has an accessible name, the open forms' included.
    assert_every_control_is_named(page.locator(CONTROLS).filter(visible=True))

    # Escape closes a form and gives the focus back to its row.
    page.locator(f"#{row_id(world, 1)} textarea").focus()
    page.keyboard.press("Escape")
    expect(page.locator(f"#{row_id(world, 1)} form.correction")).to_have_count(0)
    focused(page, row_id(world, 1))

    # "?" lists the shortcuts; Escape closes the list and the focus is where it was.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert_every_control_is_named(dialog.locator(CONTROLS))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    focused(page, row_id(world, 1))

    # The shortcuts can be turned off, and stay off.
    page.get_by_role("checkbox", name="Keyboard shortcuts").uncheck()
    page.locator(f"#{row_id(world, 1)}").focus()
    page.keyboard.press("o")
    expect(page.locator("form.correction")).to_have_count(1)  # only the override form of row 0
    page.reload()
    expect(page.get_by_role("checkbox", name="Keyboard shortcuts")).not_to_be_checked()
    expect(page.locator("kbd.hint").first).to_be_hidden()
    expect(page.locator(f"#{first} [data-shortcut=c]")).not_to_have_attribute(
        "aria-keyshortcuts", "c"
    )


def test_screenshot_of_the_review_page(page_for, world, monkeypatch):
    """Overridden, stale and reviewed rows as a reviewer meets them (docs/screenshots); one
    short page of sentences, so the picture stays readable."""
    monkeypatch.setattr(listing, "PAGE_SIZE", 8)  # the live server runs in this process
    sam, store = as_sam(world), get_event_store()
    one, two, three = sentence_at(world, 1), sentence_at(world, 2), sentence_at(world, 4)
    dispatch(
        OverrideAnalysis(
            actor=sam,
            sentence_id=one.id,
            fields={"purpose": other_purposes(world, 1)[0], "topic_level_1": "strategy"},
            reason="a decision about the plan",
            expected_version=one.version,
        )
    )
    dispatch(
        EditSentence(
            actor=sam,
            sentence_id=two.id,
            new_text=two.text.replace("Sam", "Sam Lindqvist", 1) + " (notes)",
            reason="full name",
            expected_version=two.version,
        )
    )
    for index in (0, 3):
        row = sentence_at(world, index)
        dispatch(ConfirmSentence(actor=sam, sentence_id=row.id, expected_version=row.version))
    dispatch(
        ConfirmSentence(
            actor=sam, sentence_id=three.id, note="fine", expected_version=three.version
        )
    )
    assert wait_for_position(store.head_position(), timeout=30)

    page = open_review(page_for, world, "rita")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(".value.expert").first).to_be_visible()
    expect(page.locator(".badge", has_text="stale analysis")).to_have_count(1)
    path = screenshot(page, "review")
    assert path.stat().st_size > 10_000
