"""The review page through Django's test client: what each role sees, and every write going
through the same commands as the API — actor from the session, reason required, stale versions
answered with a conflict (docs/architecture.md, Corrections; Standing rules 1, 2).

No projection process runs here: tests project by hand (`catch_up()`), and the view's bounded
wait for its own write is switched off so that a write answers at once.
"""

import json
import re
import uuid
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils.html import escape

from commands.aggregates import sentence_id
from commands.bus import dispatch
from commands.messages import ClearAnalysis, OverrideAnalysis
from events.dimensions import PURPOSES
from events.envelope import Actor
from events.wiring import get_event_store
from readmodel.models import Sentence
from tests.web.helpers import archive, catch_up, logged_in
from web.review import listing, responses

HTMX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(r'<li id="s-')


@pytest.fixture(autouse=True)
def _answer_without_waiting(monkeypatch):
    monkeypatch.setattr(responses, "WAIT_LIMIT", 0)


@pytest.fixture
def world(ledgerline):
    """The sample interview of ledgerline, projected; rita and sam (reviewers), vera (viewer),
    otto (member of nothing)."""
    return SimpleNamespace(
        interview_id=ledgerline.interview_id,
        count=ledgerline.sentences,
        users=ledgerline.users,
        page=f"/interviews/{ledgerline.interview_id}/",
    )


def client_for(world, name: str) -> Client:
    return logged_in(world.users[name])


def sentence(world, index: int) -> Sentence:
    return Sentence.objects.get(id=sentence_id(world.interview_id, index))


def events_of(sentence_row: Sentence) -> list:
    return list(get_event_store().read_stream(f"Sentence-{sentence_row.id}"))


def another_purpose(row: Sentence, *, besides: tuple[str, ...] = ()) -> str:
    return next(p for p in PURPOSES if p != row.effective.get("purpose") and p not in besides)


def override(client: Client, row: Sentence, version: int | None = None, **fields):
    data = {"version": row.version if version is None else version, **fields}
    return client.post(f"/review/sentences/{row.id}/override/", data, **HTMX)


def sam_overrides_the_purpose(world, row: Sentence) -> str:
    """sam overrides the purpose of `row` (at the version it shows), projected; his purpose."""
    sams = another_purpose(row)
    assert override(client_for(world, "sam"), row, purpose=sams, reason="sam's").status_code == 200
    catch_up()
    return sams


# --- reading ----------------------------------------------------------------------------------


HTMX_CONFIG = re.compile(r"<meta name=\"htmx-config\" content='([^']*)'>")


@pytest.mark.parametrize("path", ["page", "form"])
def test_a_review_page_has_one_htmx_config_that_swaps_conflicts(world, path):
    # htmx reads only the first htmx-config meta: a second one (as pages once had) is ignored,
    # and with it the rule that swaps a 409 into the row.
    row = sentence(world, 0)
    url = world.page if path == "page" else f"/review/sentences/{row.id}/override/"
    html = client_for(world, "rita").get(url).content.decode()
    configs = HTMX_CONFIG.findall(html)
    assert len(configs) == 1, configs
    config = json.loads(configs[0])
    assert config["includeIndicatorStyles"] is False
    swapped = [rule for rule in config["responseHandling"] if rule.get("swap")]
    assert any(re.search(rule["code"], "409") and not rule.get("error") for rule in swapped)


def test_a_viewer_sees_every_sentence_and_no_edit_control(world):
    page = client_for(world, "vera").get(world.page)
    html = page.content.decode()
    assert page.status_code == 200
    assert len(ROW.findall(html)) == world.count
    assert escape(sentence(world, 0).text) in html
    assert "/history/" in html
    for control in ("/override/", "/edit/", "/revert/", "/confirm/", 'data-shortcut="c"'):
        assert control not in html, control
    assert 'class="correction"' not in html


def test_a_reviewer_sees_the_controls_of_each_sentence(world):
    html = client_for(world, "rita").get(world.page).content.decode()
    first = sentence(world, 0)
    assert f"/review/sentences/{first.id}/override/" in html
    assert f"/review/sentences/{first.id}/edit/" in html
    assert 'aria-keyshortcuts="c"' in html
    assert html.count('data-shortcut="c"') == world.count  # nothing is confirmed yet


def test_an_outsider_gets_404_for_the_page_its_rows_and_its_writes(world):
    otto, first = client_for(world, "otto"), sentence(world, 0)
    assert otto.get(world.page).status_code == 404
    assert otto.get(f"/review/sentences/{first.id}/").status_code == 404
    written = override(otto, first, purpose=another_purpose(first), reason="mine")
    assert written.status_code == 404
    assert len(events_of(first)) == first.version + 1


def test_a_viewer_cannot_open_a_form_or_write(world):
    vera, first = client_for(world, "vera"), sentence(world, 0)
    assert vera.get(f"/review/sentences/{first.id}/override/", **HTMX).status_code == 403
    written = override(vera, first, purpose=another_purpose(first), reason="I can't")
    assert written.status_code == 403
    assert len(events_of(first)) == first.version + 1


def test_filters_narrow_the_rows_and_ignore_empty_fields(world):
    rita = client_for(world, "rita")
    first = sentence(world, 0)
    word = first.text.split()[0]

    def rows(**query: str) -> int:
        return len(ROW.findall(rita.get(world.page, query).content.decode()))

    by_text = Sentence.objects.filter(interview_id=world.interview_id, text__icontains=word)
    assert rows(q=word) == by_text.count() < world.count
    assert rows(speaker=first.speaker, q="", purpose="") == (
        Sentence.objects.filter(interview_id=world.interview_id, speaker=first.speaker).count()
    )
    assert rows(purpose=first.purpose) == (
        Sentence.objects.filter(interview_id=world.interview_id, purpose=first.purpose).count()
    )
    assert rows(overridden="true") == 0
    assert rows(reviewed="false") == world.count
    assert rows(confidence_below="1.01") > 0


def test_low_confidence_and_a_dimension_value_filter_from_the_url_and_stay_chosen(world):
    every = Sentence.objects.filter(interview_id=world.interview_id)
    below = next(c for c in ("0.5", "0.7", "0.9") if every.filter(min_confidence__lt=c).exists())
    low = every.filter(min_confidence__lt=below)
    function = low.values_list("function_type", flat=True).first()
    expected = low.filter(function_type=function).count()
    html = (
        client_for(world, "rita")
        .get(world.page, {"confidence_below": below, "function_type": function})
        .content.decode()
    )
    assert len(ROW.findall(html)) == expected < every.filter(function_type=function).count()
    percent = round(float(below) * 100)
    assert f'<option value="{below}" selected>below {percent}%</option>' in html
    assert f"<option selected>{function}</option>" in html
    # "Confirm all" acts on the same filtered set: the query travels with its form.
    assert f"confirm/?confidence_below={below}&amp;function_type={function}" in html


def test_a_malformed_filter_is_400_with_its_message(world):
    page = client_for(world, "rita").get(world.page, {"confidence_below": "lots"})
    assert page.status_code == 400
    assert "confidence_below" in page.content.decode()


def test_htmx_filtering_answers_only_the_list(world):
    fragment = client_for(world, "rita").get(
        world.page, {"overridden": "true"}, HTTP_HX_TARGET="sentence-list", **HTMX
    )
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="sentence-list"')
    assert "No sentence matches these filters." in html
    assert "<html" not in html


# --- writing ----------------------------------------------------------------------------------


def test_an_override_is_recorded_as_the_logged_in_user_whatever_the_form_says(world):
    rita, row = world.users["rita"], sentence(world, 1)
    purpose = another_purpose(row)
    answer = override(
        client_for(world, "rita"),
        row,
        purpose=purpose,
        reason="she asks for it",
        actor="sam",
        actor_id=str(world.users["sam"].pk),
    )
    assert answer.status_code == 200
    last = events_of(row)[-1]
    assert last.event_type == "AnalysisOverridden"
    assert (last.actor.id, last.actor.display) == (str(rita.pk), "rita")
    assert last.data["fields"] == {"purpose": purpose}
    assert last.data["reason"] == "she asks for it"
    catch_up()
    html = client_for(world, "rita").get(f"/review/sentences/{row.id}/", **HTMX).content.decode()
    assert 'class="badge expert"' in html
    assert purpose in html


def test_a_missing_reason_is_422_beside_the_field_and_records_nothing(world):
    row = sentence(world, 1)
    answer = override(client_for(world, "rita"), row, purpose=another_purpose(row), reason=" ")
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "Give a reason" in html
    assert 'aria-invalid="true"' in html
    assert 'class="correction"' in html  # the form stays open with what was chosen
    assert f"<option selected>{another_purpose(row)}</option>" in html
    assert len(events_of(row)) == row.version + 1


def test_an_override_that_changes_nothing_is_422(world):
    row = sentence(world, 1)
    answer = override(client_for(world, "rita"), row, reason="nothing chosen")
    assert answer.status_code == 422
    assert "Choose at least one new value." in answer.content.decode()
    same = override(client_for(world, "rita"), row, purpose=row.purpose, reason="same")
    assert same.status_code == 422
    assert "does not change" in same.content.decode()
    assert len(events_of(row)) == row.version + 1


def test_a_write_without_the_version_it_saw_is_400(world):
    row = sentence(world, 1)
    answer = client_for(world, "rita").post(
        f"/review/sentences/{row.id}/confirm/", {"version": "latest"}, **HTMX
    )
    assert answer.status_code == 400


def test_a_stale_version_is_a_conflict_naming_the_other_change(world):
    row = sentence(world, 2)
    seen, before = row.version, row.effective["purpose"]
    sams = sam_overrides_the_purpose(world, row)
    ritas = another_purpose(row, besides=(sams,))
    answer = override(client_for(world, "rita"), row, seen, purpose=ritas, reason="rita's")
    html = answer.content.decode()
    assert answer.status_code == 409
    assert "your change was not saved" in html
    assert re.search(r'<strong class="actor">sam</strong>\s+overrode the analysis', html)
    assert f"Purpose: <del>{before}</del> → <ins>{sams}</ins>" in html
    assert f"Purpose → {ritas}" in html
    assert f'name="version" value="{seen + 1}"' in html  # re-applying goes on top of sam's
    assert [e.actor.display for e in events_of(row)][-1] == "sam"


def test_a_change_reapplied_after_a_conflict_lands_on_top_of_the_other(world):
    row = sentence(world, 2)
    seen = row.version
    sams = sam_overrides_the_purpose(world, row)
    ritas = another_purpose(row, besides=(sams,))
    conflict = override(client_for(world, "rita"), row, seen, purpose=ritas, reason="rita's")
    panel = conflict.content.decode().split('class="conflict"')[1]
    resubmit = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', panel))
    assert resubmit["purpose"] == ritas
    answer = client_for(world, "rita").post(
        f"/review/sentences/{row.id}/override/", resubmit, **HTMX
    )
    assert answer.status_code == 200
    overrides = [e for e in events_of(row) if e.event_type == "AnalysisOverridden"]
    assert [(e.actor.display, e.data["fields"]) for e in overrides] == [
        ("sam", {"purpose": sams}),
        ("rita", {"purpose": ritas}),
    ]
    assert overrides[1].version == overrides[0].version + 1
    assert overrides[1].data["previous"] == {"purpose": sams}  # she overrode sam, knowingly


def test_a_reapplied_override_keeps_keywords_another_expert_changed(world):
    """Rita's form showed the old keywords; re-applying her purpose must not send them back."""
    row = sentence(world, 3)
    seen = row.version
    keywords = ["budget", "ledger"]
    dispatch(
        OverrideAnalysis(
            actor=Actor.human(world.users["sam"].pk, "sam"),
            sentence_id=row.id,
            fields={"overall_keywords": keywords},
            reason="better keywords",
            expected_version=seen,
        )
    )
    catch_up()
    initial = json.dumps(list(row.effective.get("overall_keywords") or []))
    form = {
        "purpose": another_purpose(row),
        "overall_keywords": ", ".join(row.effective.get("overall_keywords") or []),
        "initial_overall_keywords": initial,
        "reason": "purpose only",
        "version": seen + 1,
    }
    answer = client_for(world, "rita").post(f"/review/sentences/{row.id}/override/", form, **HTMX)
    assert answer.status_code == 200
    assert events_of(row)[-1].data["fields"] == {"purpose": form["purpose"]}


def test_a_form_opened_after_another_change_lists_it(world):
    row = sentence(world, 2)
    seen = row.version
    sams = sam_overrides_the_purpose(world, row)
    form = client_for(world, "rita").get(
        f"/review/sentences/{row.id}/override/", {"seen": seen}, **HTMX
    )
    html = form.content.decode()
    assert "Changed since you loaded the page" in html
    assert f"<ins>{sams}</ins>" in html
    assert f'name="version" value="{seen + 1}"' in html


def test_confirming_marks_the_row_and_a_second_confirmation_is_refused(world):
    rita, row = client_for(world, "rita"), sentence(world, 4)
    answer = rita.post(f"/review/sentences/{row.id}/confirm/", {"version": row.version}, **HTMX)
    assert answer.status_code == 200
    assert events_of(row)[-1].event_type == "SentenceReviewed"
    catch_up()
    html = rita.get(f"/review/sentences/{row.id}/", **HTMX).content.decode()
    assert "✓ reviewed by rita" in html
    assert 'data-shortcut="c"' not in html
    row.refresh_from_db()
    again = rita.post(f"/review/sentences/{row.id}/confirm/", {"version": row.version}, **HTMX)
    assert again.status_code == 422
    assert "already confirmed" in again.content.decode()


def test_a_note_is_kept_with_the_confirmation(world):
    row = sentence(world, 4)
    client_for(world, "rita").post(
        f"/review/sentences/{row.id}/confirm/", {"version": row.version, "note": "checked"}, **HTMX
    )
    assert events_of(row)[-1].data["note"] == "checked"


def test_editing_the_text_marks_the_analysis_stale_and_reverting_restores_the_ai_value(world):
    rita, row = client_for(world, "rita"), sentence(world, 5)
    edited = rita.post(
        f"/review/sentences/{row.id}/edit/",
        {"version": row.version, "text": row.text + " Really.", "reason": "missed a word"},
        **HTMX,
    )
    assert edited.status_code == 200
    catch_up()
    row.refresh_from_db()
    assert row.edited
    assert row.stale_analysis
    override(rita, row, purpose=another_purpose(row), reason="it is a question")
    catch_up()
    row.refresh_from_db()
    form = rita.get(f"/review/sentences/{row.id}/revert/", **HTMX).content.decode()
    assert 'name="fields" value="purpose"' in form
    reverted = rita.post(
        f"/review/sentences/{row.id}/revert/",
        {"version": row.version, "fields": ["purpose"], "reason": "the AI was right"},
        **HTMX,
    )
    assert reverted.status_code == 200
    assert events_of(row)[-1].event_type == "AnalysisOverrideReverted"


def test_a_write_answers_the_row_as_projected_once_the_wait_sees_it(world, monkeypatch):
    def a_runner_applies_it(position: int, **lane) -> bool:
        catch_up()
        return True

    monkeypatch.setattr(responses, "wait_for_position", a_runner_applies_it)
    row = sentence(world, 6)
    purpose = another_purpose(row)
    answer = override(client_for(world, "rita"), row, purpose=purpose, reason="read my write")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "catching up" not in html
    assert f'data-version="{row.version + 1}"' in html
    assert re.search(
        rf'<span class="shown"[^>]*>{purpose}</span>\s*<span class="badge expert">', html
    )
    assert 'id="review-summary" class="summary" hx-swap-oob="true"' in html
    assert "1 overridden" in html  # the interview's counters, swapped out of band


def test_a_write_answers_a_row_that_polls_while_the_projection_lags(world):
    row = sentence(world, 6)
    answer = override(client_for(world, "rita"), row, purpose=another_purpose(row), reason="x")
    html = answer.content.decode()
    assert f'hx-get="/review/sentences/{row.id}/?after={row.version + 1}"' in html
    assert "catching up" in html
    catch_up()
    settled = client_for(world, "rita").get(
        f"/review/sentences/{row.id}/", {"after": row.version + 1}, **HTMX
    )
    assert "catching up" not in settled.content.decode()


def test_a_row_polled_with_a_malformed_version_is_still_the_row(world):
    row = sentence(world, 6)
    rita = client_for(world, "rita")
    for malformed in ("²", "٣", "x"):  # "²".isdigit() is True, int("²") fails
        polled = rita.get(f"/review/sentences/{row.id}/", {"after": malformed}, **HTMX)
        assert polled.status_code == 200
        assert "catching up" not in polled.content.decode()
        opened = rita.get(f"/review/sentences/{row.id}/override/", {"seen": malformed}, **HTMX)
        assert opened.status_code == 200
        assert "Changed since you loaded the page" not in opened.content.decode()


def test_without_javascript_a_form_opens_on_its_own_page_and_a_write_returns_to_the_row(world):
    rita, row = client_for(world, "rita"), sentence(world, 7)
    form = rita.get(f"/review/sentences/{row.id}/override/")
    assert form.status_code == 200
    assert "<html" in form.content.decode()
    answer = rita.post(
        f"/review/sentences/{row.id}/override/",
        {"version": row.version, "purpose": another_purpose(row), "reason": "no js"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{world.page}#s-{row.id}"


SEEN = re.compile(r'<input type="hidden" form="bulk-confirm" name="seen" value="([^"]+)">')


def shown(client: Client, url: str, **query: str) -> list[str]:
    """The `seen` fields the page sends with "confirm all": one per confirmable row shown."""
    return SEEN.findall(client.get(url, query).content.decode())


def confirm_all(client: Client, world, seen: list[str], query: str = "", **fields: str):
    return client.post(f"{world.page}confirm/?{query}", {"seen": seen, **fields}, **HTMX)


def test_confirming_all_shown_confirms_the_filtered_unreviewed_sentences(world):
    rita = client_for(world, "rita")
    speaker = sentence(world, 0).speaker
    theirs = Sentence.objects.filter(interview_id=world.interview_id, speaker=speaker)
    seen = shown(rita, world.page, speaker=speaker, q="")
    assert len(seen) == theirs.count()
    answer = confirm_all(rita, world, seen, f"speaker={speaker}&q=")
    assert answer.status_code == 200
    assert f"Confirmed {theirs.count()} sentences." in answer.content.decode()
    catch_up()
    assert all(row.reviewed for row in theirs)
    assert Sentence.objects.filter(interview_id=world.interview_id, reviewed=True).count() == (
        theirs.count()
    )


def test_confirming_all_keeps_the_note_with_each_confirmation(world):
    rita = client_for(world, "rita")
    html = rita.get(world.page).content.decode()
    assert '<label for="bulk-note">Note' in html
    assert 'id="bulk-note" name="note"' in html
    speaker = sentence(world, 0).speaker
    seen = shown(rita, world.page, speaker=speaker)
    answer = confirm_all(rita, world, seen, f"speaker={speaker}", note="all checked")
    assert answer.status_code == 200
    theirs = Sentence.objects.filter(interview_id=world.interview_id, speaker=speaker)
    notes = {events_of(row)[-1].data.get("note") for row in theirs}
    assert notes == {"all checked"}


def test_confirming_all_skips_and_names_a_sentence_changed_since_the_page_showed_it(world):
    rita, row = client_for(world, "rita"), sentence(world, 3)
    seen = shown(rita, world.page)
    sam_overrides_the_purpose(world, row)  # after rita's page loaded, projected
    answer = confirm_all(rita, world, seen)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert f"Confirmed {world.count - 1} sentences." in html
    assert f'<a href="#s-{row.id}">#4</a> “{escape(row.text[:40])}' in html
    assert f"you saw version {row.version}, it is now at version {row.version + 1}" in html
    assert [e.event_type for e in events_of(row)][-1] == "AnalysisOverridden"
    catch_up()
    row.refresh_from_db()
    assert not row.reviewed


def test_a_row_with_an_open_conflict_is_not_confirmed_in_bulk(world):
    rita, row = client_for(world, "rita"), sentence(world, 2)
    seen_version = row.version
    sams = sam_overrides_the_purpose(world, row)
    ritas = another_purpose(row, besides=(sams,))
    conflict = override(rita, row, seen_version, purpose=ritas, reason="rita's")
    assert conflict.status_code == 409
    # The swapped-in row keeps the version rita's change was made from, not sam's.
    assert SEEN.findall(conflict.content.decode()) == [f"{row.id}:{seen_version}"]
    seen = [v for v in shown(rita, world.page) if not v.startswith(str(row.id))]
    answer = confirm_all(rita, world, [*seen, f"{row.id}:{seen_version}"])
    assert answer.status_code == 200
    assert f'<a href="#s-{row.id}">#3</a>' in answer.content.decode()
    assert events_of(row)[-1].event_type == "AnalysisOverridden"


def test_the_page_offers_to_confirm_only_the_rows_it_shows(world, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 10)
    rita = client_for(world, "rita")
    html = rita.get(world.page).content.decode()
    assert "Confirm 10 unreviewed shown on this page</button>" in html
    seen = SEEN.findall(html)
    assert len(seen) == 10
    assert confirm_all(rita, world, seen).status_code == 200
    catch_up()
    reviewed = Sentence.objects.filter(interview_id=world.interview_id, reviewed=True)
    assert sorted(reviewed.values_list("index", flat=True)) == list(range(10))


def test_confirming_more_than_a_page_is_refused_inside_the_list_and_confirms_none(
    world, monkeypatch
):
    monkeypatch.setattr(listing, "PAGE_SIZE", 10)
    head = get_event_store().head_position()
    seen = [f"{sentence(world, index).id}:{sentence(world, index).version}" for index in range(11)]
    answer = confirm_all(client_for(world, "rita"), world, seen)
    html = answer.content.decode()
    assert answer.status_code == 400
    assert html.startswith('<div id="sentence-list"')  # htmx swaps it into the page
    assert "Nothing confirmed: more than the 10 sentences a page shows" in html
    assert get_event_store().head_position() == head


@pytest.mark.parametrize(
    "seen",
    [[], ["not-a-row"], ["{sentence}:x"], ["{other}:0"]],
    ids=["nothing shown", "malformed", "bad version", "not of this interview"],
)
def test_a_bulk_confirmation_not_sent_by_the_page_is_400_inside_the_list(world, seen):
    values = [v.format(sentence=sentence(world, 0).id, other=uuid.uuid4()) for v in seen]
    head = get_event_store().head_position()
    answer = confirm_all(client_for(world, "rita"), world, values)
    html = answer.content.decode()
    assert answer.status_code == 400
    assert re.search(r'<p class="error" role="alert">Nothing confirmed: \S', html)
    assert get_event_store().head_position() == head


def test_without_javascript_a_refused_bulk_confirmation_returns_to_the_page(world):
    answer = client_for(world, "rita").post(f"{world.page}confirm/", {"seen": []}, follow=True)
    assert answer.status_code == 200
    assert "Nothing confirmed: no unreviewed sentence is shown" in answer.content.decode()


def test_in_debug_the_pages_load_no_script_that_replaces_them_on_an_error(world, settings):
    settings.DEBUG = True
    html = client_for(world, "rita").get(world.page).content.decode()
    assert "django-htmx.js" not in html
    assert "django_htmx/htmx-2.min.js" in html


# --- what cannot be confirmed or changed ------------------------------------------------------


def clear_analysis_of(world, row: Sentence) -> None:
    dispatch(
        ClearAnalysis(
            actor=Actor.human(world.users["sam"].pk, "sam"),
            sentence_id=row.id,
            expected_version=row.version,
            reason="wrong analysis",
        )
    )
    catch_up()
    row.refresh_from_db()


def test_a_sentence_without_analysis_offers_no_confirmation_and_refuses_one(world):
    rita, row = client_for(world, "rita"), sentence(world, 6)
    clear_analysis_of(world, row)
    html = rita.get(f"/review/sentences/{row.id}/", **HTMX).content.decode()
    assert 'data-shortcut="c"' not in html
    assert 'name="seen"' not in html
    assert len(shown(rita, world.page)) == world.count - 1
    answer = rita.post(f"/review/sentences/{row.id}/confirm/", {"version": row.version}, **HTMX)
    assert answer.status_code == 422
    assert "no analysis yet: there is nothing to confirm" in answer.content.decode()
    assert events_of(row)[-1].event_type == "AnalysisCleared"


def test_a_bulk_confirmation_skips_a_sentence_without_analysis(world):
    rita, row = client_for(world, "rita"), sentence(world, 6)
    seen = shown(rita, world.page)
    clear_analysis_of(world, row)  # after the page loaded
    html = confirm_all(rita, world, [*seen[:6], f"{row.id}:{row.version}"]).content.decode()
    assert "Confirmed 6 sentences." in html
    assert f'<a href="#s-{row.id}">#7</a>' in html
    assert "no analysis yet" in html
    assert events_of(row)[-1].event_type == "AnalysisCleared"


def test_an_archived_interview_is_read_only_on_the_page_and_refuses_every_write(world):
    rita, row = client_for(world, "rita"), sentence(world, 1)
    seen = shown(rita, world.page)
    archive(world.interview_id, world.users["ada"])
    catch_up()
    head = get_event_store().head_position()
    html = rita.get(world.page).content.decode()
    assert "This interview is archived: its sentences are read-only." in html
    for control in ("/override/", "/edit/", "/confirm/", 'name="seen"', 'id="bulk-confirm"'):
        assert control not in html, control
    opened = rita.get(f"/review/sentences/{row.id}/edit/", **HTMX).content.decode()
    assert "read-only" in opened
    assert 'class="correction"' not in opened
    written = override(rita, row, purpose=another_purpose(row), reason="still")
    assert written.status_code == 422
    assert "is archived: its sentences are read-only" in written.content.decode()
    assert "/override/" not in written.content.decode()
    bulk = confirm_all(rita, world, seen)
    assert bulk.status_code == 422
    assert "Nothing confirmed: the interview" in bulk.content.decode()
    assert get_event_store().head_position() == head


def test_a_viewer_cannot_confirm_all(world):
    assert client_for(world, "vera").post(f"{world.page}confirm/", **HTMX).status_code == 403


# --- two text edits meet ----------------------------------------------------------------------


def edit(client: Client, row: Sentence, version: int, text: str, reason: str):
    data = {"version": version, "text": text, "reason": reason}
    return client.post(f"/review/sentences/{row.id}/edit/", data, **HTMX)


def form_fields(html: str, form_class: str) -> dict[str, str]:
    form = html.split(f'<form class="{form_class}"')[1].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    fields.update(re.findall(r'name="(reason)" value="([^"]*)"', form))
    if text := re.search(r'<textarea [^>]*name="text"[^>]*>([^<]*)</textarea>', form):
        fields["text"] = text.group(1)
    return fields


def test_a_text_edit_meeting_another_shows_both_and_saves_their_merge(world):
    rita, row = client_for(world, "rita"), sentence(world, 5)
    seen, base = row.version, row.text
    sams = f"Honestly, {base}"
    assert edit(client_for(world, "sam"), row, seen, sams, "sam's").status_code == 200
    catch_up()
    ritas = f"{base} Really."

    conflict = edit(rita, row, seen, ritas, "missed a word")

    html = conflict.content.decode()
    assert conflict.status_code == 409
    theirs = html.split('class="diff theirs">')[1].split("</p>")[0]
    mine = html.split('class="diff mine">')[1].split("</p>")[0]
    assert theirs.startswith("<ins>Honestly, </ins>")
    assert "<ins> Really.</ins>" in mine
    assert "Both changes, merged" in html
    merge = form_fields(html, "merge")
    assert {k: v for k, v in merge.items() if k != "csrfmiddlewaretoken"} == {
        "version": str(seen + 1),
        "reason": "missed a word",
        "text": escape(f"{sams} Really."),
    }
    assert form_fields(html, "merge-mine")["text"] == escape(ritas)
    saved = rita.post(
        f"/review/sentences/{row.id}/edit/", {**merge, "text": f"{sams} Really."}, **HTMX
    )
    assert saved.status_code == 200
    edits = [e for e in events_of(row) if e.event_type == "SentenceEdited"]
    assert [(e.actor.display, e.data["new_text"]) for e in edits] == [
        ("sam", sams),
        ("rita", f"{sams} Really."),
    ]


def test_edits_of_the_same_words_prefill_theirs_and_say_so(world):
    rita, row = client_for(world, "rita"), sentence(world, 5)
    seen, base = row.version, row.text
    _, rest = base.split(" ", 1)
    assert edit(client_for(world, "sam"), row, seen, f"Sam {rest}", "sam's").status_code == 200
    catch_up()

    html = edit(rita, row, seen, f"Rita {rest}", "mine").content.decode()

    assert "You both changed the same words" in html
    assert form_fields(html, "merge")["text"] == escape(f"Sam {rest}")
    assert form_fields(html, "merge-mine")["text"] == escape(f"Rita {rest}")
