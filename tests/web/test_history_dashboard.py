"""The sentence history page and the project dashboard, through Django's test client.

Corrections are made the way the product makes them — commands dispatched as a person, then
the relational projection caught up — so the pages are checked against real events.
"""

from collections import Counter
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client

from access.services import grant
from commands.bus import dispatch
from commands.messages import (
    ConfirmSentence,
    EditSentence,
    HumanCommand,
    OverrideAnalysis,
)
from commands.results import CommandResult
from events.dimensions import PURPOSES, Dimension
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.pipeline import PIPELINE
from ingestion.projects import ensure_project
from readmodel import stats
from readmodel.models import Sentence
from tests.web.helpers import archive, catch_up, logged_in
from web.charts import percent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ledgerline):
    """Project ledgerline with one sample interview ingested and projected, and its people:
    rita (reviewer), vera (viewer), otto (no role)."""
    sentences = list(
        Sentence.objects.filter(interview_id=ledgerline.interview_id).order_by("index")
    )
    return SimpleNamespace(
        project_id=ledgerline.project_id,
        interview_id=ledgerline.interview_id,
        sentences=sentences,
        **{name: ledgerline.users[name] for name in ("rita", "vera", "otto")},
    )


def correct(
    command_type: type[HumanCommand], user: User, sentence: Sentence, **fields
) -> CommandResult:
    """Dispatch a person's command at the sentence's current version, then project it."""
    version = get_event_store().current_version(f"Sentence-{sentence.id}")
    actor = Actor.human(user.pk, user.username)
    result = dispatch(
        command_type(actor=actor, expected_version=version, sentence_id=sentence.id, **fields)
    )
    catch_up()
    return result


def another_purpose(sentence: Sentence) -> str:
    sentence.refresh_from_db()
    return next(p for p in PURPOSES if p != sentence.purpose)


def history_url(sentence: Sentence) -> str:
    return f"/sentences/{sentence.id}/history/"


def dashboard_url() -> str:
    return "/projects/ledgerline/dashboard/"


# --- history ---------------------------------------------------------------------------------


@pytest.fixture
def corrected(world):
    """Sentence 1 overridden (purpose), edited and confirmed by rita; the positions of each."""
    sentence = world.sentences[1]
    ai_purpose = sentence.purpose
    new_purpose = another_purpose(sentence)
    overridden = correct(
        OverrideAnalysis,
        world.rita,
        sentence,
        fields={"purpose": new_purpose},
        reason="she is asking for it",
    )
    old_text = sentence.text
    new_text = old_text.rstrip(".!?") + " indeed, colleagues."
    edited = correct(EditSentence, world.rita, sentence, new_text=new_text, reason="misheard")
    confirmed = correct(ConfirmSentence, world.rita, sentence, note="checked twice")
    return SimpleNamespace(
        sentence=sentence,
        ai_purpose=ai_purpose,
        new_purpose=new_purpose,
        old_text=old_text,
        new_text=new_text,
        overridden=overridden,
        edited=edited,
        confirmed=confirmed,
    )


def test_the_history_lists_every_event_with_actor_reason_and_old_and_new(world, corrected):
    response = logged_in(world.vera).get(history_url(corrected.sentence))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.event_type for e in entries] == [
        "SentenceCreated",
        "AnalysisGenerated",
        "AnalysisOverridden",
        "SentenceEdited",
        "SentenceReviewed",
    ]
    override, edit, review = entries[2:]
    assert override.actor["display"] == edit.actor["display"] == review.actor["display"] == "rita"
    assert override.reason == "she is asking for it"
    assert edit.reason == "misheard"
    assert review.note == "checked twice"
    purpose = next(c for c in override.changes if c.field == "purpose")
    assert (purpose.source, purpose.old, purpose.new) == (
        "expert override",
        corrected.ai_purpose,
        corrected.new_purpose,
    )
    html = response.content.decode()
    for shown in ("rita", "she is asking for it", "misheard", "checked twice"):
        assert shown in html
    assert corrected.ai_purpose in html
    assert corrected.new_purpose in html
    # The edit is a word-level diff: the new words inserted, the old ending removed.
    assert '<ins><span class="sr-only">added: </span>' in html
    assert "colleagues." in edit.changes[0].diff


def test_the_history_links_every_entry_to_its_past_state(world, corrected):
    html = logged_in(world.vera).get(history_url(corrected.sentence)).content.decode()
    for position in (corrected.overridden.position, corrected.edited.position):
        assert f'href="?as_of={position}#event-{position}"' in html


def test_as_of_shows_the_whole_sentence_as_it_was_at_that_point(world, corrected):
    before_override = corrected.overridden.position - 1
    response = logged_in(world.vera).get(
        history_url(corrected.sentence), {"as_of": str(before_override)}
    )
    assert response.status_code == 200
    state = response.context["state"]
    assert state["overrides"] == {}
    assert state["effective"]["purpose"] == corrected.ai_purpose
    assert state["text"] == corrected.old_text
    assert state["reviewed"] is False
    entries = response.context["entries"]
    assert [e.event_type for e in entries if e.selected] == ["AnalysisGenerated"]
    assert [e.event_type for e in entries if e.later] == [
        "AnalysisOverridden",
        "SentenceEdited",
        "SentenceReviewed",
    ]
    assert f"As of position {before_override}" in response.content.decode()


def test_without_as_of_the_page_shows_the_current_state(world, corrected):
    state = logged_in(world.vera).get(history_url(corrected.sentence)).context["state"]
    assert state["text"] == corrected.new_text
    assert state["overrides"] == {"purpose": corrected.new_purpose}
    assert state["reviewed"] is True


@pytest.mark.parametrize("as_of", ["yesterday", "-1", "1.5", "²", "2026-01-01T00:00:00Z"])
def test_a_malformed_as_of_is_a_400_page_with_a_message(world, corrected, as_of):
    response = logged_in(world.vera).get(history_url(corrected.sentence), {"as_of": as_of})
    assert response.status_code == 400
    assert "as_of must be an event position" in response.content.decode()


def test_as_of_before_the_sentence_existed_is_a_400_page_saying_so(world, corrected):
    response = logged_in(world.vera).get(history_url(corrected.sentence), {"as_of": "0"})
    assert response.status_code == 400
    assert "did not exist yet at position 0" in response.content.decode()


def test_the_history_links_back_to_the_review_page(world, corrected):
    html = logged_in(world.vera).get(history_url(corrected.sentence)).content.decode()
    assert f'href="/interviews/{world.interview_id}/"' in html


def test_the_history_is_not_found_for_an_outsider_or_an_unknown_sentence(world, corrected):
    outsider = logged_in(world.otto)
    assert outsider.get(history_url(corrected.sentence)).status_code == 404
    unknown = "/sentences/00000000-0000-0000-0000-000000000000/history/"
    assert logged_in(world.vera).get(unknown).status_code == 404


def test_the_history_sends_an_anonymous_visitor_to_log_in(world):
    response = Client().get(history_url(world.sentences[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_label_with_markup_is_shown_escaped_in_the_history(world):
    sentence = world.sentences[2]
    correct(
        EditSentence,
        world.rita,
        sentence,
        new_text="<script>alert(1)</script> was said.",
        reason="<b>bold</b> reason",
    )
    html = logged_in(world.vera).get(history_url(sentence)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "&lt;b&gt;bold&lt;/b&gt; reason" in html


# --- dashboard -------------------------------------------------------------------------------


@pytest.fixture
def reviewed(world):
    """rita overrode purpose on sentences 0 and 1, function_type on sentence 2, and confirmed
    sentence 3 without changing it; the expected confusion counts."""
    s0, s1, s2, s3 = world.sentences[:4]
    purposes = {}
    for sentence in (s0, s1):
        ai, new = sentence.purpose, another_purpose(sentence)
        correct(OverrideAnalysis, world.rita, sentence, fields={"purpose": new}, reason="no")
        purposes[sentence.id] = (ai, new)
    function_ai = s2.function_type
    function_new = next(
        f for f in ("declarative", "interrogative", "imperative") if f != function_ai
    )
    correct(OverrideAnalysis, world.rita, s2, fields={"function_type": function_new}, reason="no")
    correct(ConfirmSentence, world.rita, s3)
    s3.refresh_from_db()
    # Purpose: judged on s0, s1 (overridden) and s3 (confirmed); function type on s2 and s3.
    purpose_cells = Counter([*purposes.values(), (s3.purpose, s3.purpose)])
    function_cells = Counter([(function_ai, function_new), (s3.function_type, s3.function_type)])
    return SimpleNamespace(purpose_cells=purpose_cells, function_cells=function_cells)


def test_the_override_rate_is_overridden_over_analysed_sentences(world, reviewed):
    analysed = sum(1 for s in world.sentences if s.ai_values is not None)
    rates = {r.dimension: r for r in stats.project_override_rates(project_id=world.project_id)}
    assert rates[Dimension.PURPOSE].overridden == 2
    assert rates[Dimension.PURPOSE].analysed == analysed
    assert rates[Dimension.PURPOSE].rate == pytest.approx(2 / analysed)
    assert rates[Dimension.FUNCTION_TYPE].rate == pytest.approx(1 / analysed)
    assert rates[Dimension.TOPIC_LEVEL_1].rate == 0
    assert rates[Dimension.PURPOSE].agreement == pytest.approx(1 - 2 / analysed)


def test_the_dashboard_shows_the_override_rates_and_agreement(world, reviewed):
    analysed = sum(1 for s in world.sentences if s.ai_values is not None)
    response = logged_in(world.vera).get(dashboard_url())
    assert response.status_code == 200
    table = response.context["overrides"].table
    purpose = next(row for row in table.rows if row[0] == "Purpose")
    share, agreement = percent(2 / analysed), percent(1 - 2 / analysed)
    assert purpose == ("Purpose", "2", str(analysed), share, agreement)
    assert f"{share} (2/{analysed})" in response.content.decode()


def test_the_confusion_matrices_count_the_judged_sentences(world, reviewed):
    purpose = stats.project_confusion(project_id=world.project_id, dimension=Dimension.PURPOSE)
    assert purpose.counts == dict(reviewed.purpose_cells)
    function = stats.project_confusion(
        project_id=world.project_id, dimension=Dimension.FUNCTION_TYPE
    )
    assert function.counts == dict(reviewed.function_cells)
    assert function.labels[:4] == ("declarative", "interrogative", "imperative", "exclamatory")


def test_the_dashboard_draws_each_confusion_cell_with_its_count(world, reviewed):
    response = logged_in(world.vera).get(dashboard_url())
    charts = {c.id: c for c in response.context["confusions"]}
    table = charts["chart-confusion-purpose"].table
    header = table.columns[1:]
    for (ai, effective), n in reviewed.purpose_cells.items():
        row = next(r for r in table.rows if r[0] == ai)
        assert row[1 + header.index(effective)] == str(n)
    assert "3 analysed sentences an expert judged" in charts["chart-confusion-purpose"].caption


def test_the_value_distributions_count_every_analysed_sentence(world, reviewed):
    rows = Sentence.objects.filter(interview_id=world.interview_id)
    expected = Counter(rows.exclude(purpose=None).values_list("purpose", flat=True))
    counts = dict(stats.project_label_counts(project_id=world.project_id, dimension="purpose"))
    assert {label: n for label, n in counts.items() if n} == dict(expected)
    assert set(counts) >= set(PURPOSES)  # unused labels are listed with 0


def test_the_keyword_charts_show_the_fifteen_most_frequent_keywords(world):
    rows = Sentence.objects.filter(interview_id=world.interview_id)
    expected = Counter(
        k
        for e in rows.values_list("effective", flat=True)
        for k in set(e.get("overall_keywords") or [])
    )
    top = stats.project_keyword_counts(
        project_id=world.project_id, dimension=Dimension.OVERALL_KEYWORDS
    )
    assert len(top) == min(15, len(expected))
    assert top[0][1] == max(expected.values())
    assert all(expected[keyword] == n for keyword, n in top)


def test_the_review_progress_counts_reviewed_sentences_per_interview(world, reviewed):
    response = logged_in(world.vera).get(dashboard_url())
    table = response.context["progress"].table
    total = len(world.sentences)
    assert table.rows[0][:3] == ("All interviews", "1", str(total))
    assert table.rows[1][1:3] == ("1", str(total))
    assert response.context["totals"].overridden == 3


def test_the_dashboard_draws_accessible_svg_charts(world, reviewed):
    html = logged_in(world.vera).get(dashboard_url()).content.decode()
    assert html.count('role="img"') == 1 + 1 + 2 + 7  # progress, overrides, 2 matrices, values
    assert 'aria-labelledby="chart-progress-title"' in html
    assert '<title id="chart-progress-title">Review progress</title>' in html
    assert html.count("<details") == html.count('role="img"')


def test_an_archived_interview_leaves_the_dashboard(world, reviewed):
    archive(world.interview_id, world.rita)
    catch_up()
    response = logged_in(world.vera).get(dashboard_url())
    assert response.status_code == 200
    assert response.context["totals"].sentences == 0
    assert response.context["progress"].table.rows == ()


def test_an_empty_project_has_a_dashboard_without_figures(world):
    ensure_project("empty", store=get_event_store(), actor=PIPELINE)
    catch_up()
    grant(username="vera", project_slug="empty", role="viewer")
    response = logged_in(world.vera).get("/projects/empty/dashboard/")
    assert response.status_code == 200
    assert "No analysed sentences yet." in response.content.decode()


def test_a_viewer_opens_the_dashboard_and_an_outsider_finds_nothing(world):
    assert logged_in(world.vera).get(dashboard_url()).status_code == 200
    assert logged_in(world.otto).get(dashboard_url()).status_code == 404
    assert logged_in(world.vera).get("/projects/nowhere/dashboard/").status_code == 404
    anonymous = Client().get(dashboard_url())
    assert anonymous.status_code == 302
