"""The SVG chart builders (web.charts) and the dashboard's figures (readmodel.stats).

The builders are pure functions: their markup is parsed as XML and measured. The figures are
checked against read-model rows written here by hand, so every expected number can be counted
on one's fingers; the path through real events is in test_history_dashboard.py.
"""

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from events.dimensions import FUNCTION_TYPES, Dimension
from readmodel import stats
from readmodel.models import Interview, Project, Sentence
from web.charts import Bar, Progress, bar_chart, heatmap, percent, progress_chart

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert('x')</script>"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def bar_widths(root: ET.Element, css_class: str = "bar") -> list[float]:
    return [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == css_class]


# --- builders ----------------------------------------------------------------------------------


def test_a_bar_chart_is_an_svg_image_named_by_its_title_and_described():
    chart = bar_chart(chart_id="c1", title="Purpose", bars=[Bar("Statement", 3), Bar("Query", 1)])
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert root.get("aria-describedby") == "c1-desc"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}title").text == "Purpose"
    assert root.find(f"{SVG}desc").text == "2 bars; the largest is Statement with 3."
    assert chart.table.rows == (("Statement", "3"), ("Query", "1"))


def test_bars_are_proportional_to_their_values():
    chart = bar_chart(chart_id="c", title="t", bars=[Bar("a", 10), Bar("b", 5), Bar("c", 0)])
    full, half, none = bar_widths(parse(chart))
    assert half == pytest.approx(full / 2, abs=0.1)
    assert none == 0
    tracks = bar_widths(parse(chart), "track")
    assert full == pytest.approx(tracks[0], abs=0.1)  # the largest value fills its track


def test_bars_of_a_rate_share_a_fixed_scale():
    chart = bar_chart(chart_id="c", title="t", bars=[Bar("a", 0.25)], max_value=1.0)
    root = parse(chart)
    assert bar_widths(root)[0] == pytest.approx(bar_widths(root, "track")[0] / 4, abs=0.1)


@pytest.mark.parametrize("bars", [[], [Bar("a", 0), Bar("b", 0)]])
def test_an_empty_or_all_zero_bar_chart_draws_without_dividing_by_zero(bars):
    root = parse(bar_chart(chart_id="c", title="t", bars=bars, empty="Nothing yet."))
    assert root.get("role") == "img"
    assert all(width == 0 for width in bar_widths(root))
    if not bars:
        assert "Nothing yet." in "".join(root.itertext())


def test_labels_and_titles_are_escaped():
    chart = bar_chart(chart_id="c", title=f"T {SCRIPT}", bars=[Bar(SCRIPT, 1), Bar("a & b", 2)])
    markup = str(chart.svg)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    texts = "".join(parse(chart).itertext())  # the escaped text reads back as the label
    assert SCRIPT in texts
    assert "a & b" in texts


def test_a_long_label_is_cut_in_the_drawing_but_whole_in_the_table_and_tooltip():
    label = "a very long keyword phrase that goes on and on"
    chart = bar_chart(chart_id="c", title="t", bars=[Bar(label, 1)])
    labels = [t.text for t in parse(chart).iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels[0].endswith("…")
    assert len(labels[0]) == 28
    assert chart.table.rows[0][0] == label
    assert label in "".join(parse(chart).itertext())


def test_a_progress_chart_fills_each_track_to_its_share():
    chart = progress_chart(
        chart_id="p", title="Progress", rows=[Progress("All", 3, 4), Progress("Empty", 0, 0)]
    )
    root = parse(chart)
    done, nothing = bar_widths(root, "done")
    track = bar_widths(root, "track")[0]
    assert done == pytest.approx(track * 3 / 4, abs=0.1)
    assert nothing == 0  # 0 of 0: no division by zero
    assert chart.table.rows == (("All", "3", "4", "75%"), ("Empty", "0", "0", "0%"))


def test_an_empty_progress_chart_says_so():
    root = parse(progress_chart(chart_id="p", title="Progress", rows=[]))
    assert "No sentences yet." in "".join(root.itertext())


def test_a_heatmap_shades_cells_by_count_and_numbers_them():
    counts = {("a", "a"): 4, ("a", "b"): 2, ("b", "b"): 1}
    chart = heatmap(
        chart_id="h",
        title="Matrix",
        labels=["a", "b"],
        counts=counts,
        row_axis="AI",
        column_axis="Expert",
    )
    root = parse(chart)
    cells = {
        (g.get("class"), int(g.find(f"{SVG}rect").get("data-count"))) for g in root.iter(f"{SVG}g")
    }
    assert cells == {
        ("cell agree", 4),
        ("cell disagree", 2),
        ("cell disagree", 0),
        ("cell agree", 1),
    }
    numbers = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()]
    assert sorted(numbers) == ["1", "2", "4"]  # zero cells stay blank in the drawing
    assert chart.table.columns == ("AI \\ Expert", "a", "b")
    assert chart.table.rows == (("a", "4", "2"), ("b", "0", "1"))
    assert root.find(f"{SVG}desc").text == "7 sentences; 5 on the diagonal (71.4%)."


def test_the_fullest_heatmap_cell_has_the_full_colour_and_an_empty_one_a_tint():
    chart = heatmap(
        chart_id="h",
        title="t",
        labels=["a", "b"],
        counts={("a", "a"): 2},
        row_axis="r",
        column_axis="c",
    )
    fills = {r.get("data-count"): r.get("fill") for r in parse(chart).iter(f"{SVG}rect")}
    assert fills["2"] == "#0b5cad"
    assert fills["0"] not in ("#0b5cad", "#b35900", "#ffffff")


@pytest.mark.parametrize("labels", [[], ["a", "b"]])
def test_an_empty_heatmap_draws_without_dividing_by_zero(labels):
    chart = heatmap(
        chart_id="h", title="t", labels=labels, counts={}, row_axis="r", column_axis="c"
    )
    assert parse(chart).get("role") == "img"


def test_a_heatmap_escapes_its_labels():
    chart = heatmap(
        chart_id="h",
        title="t",
        labels=[SCRIPT],
        counts={(SCRIPT, SCRIPT): 1},
        row_axis="AI",
        column_axis="Expert",
    )
    assert "<script>" not in str(chart.svg)
    assert SCRIPT in "".join(parse(chart).itertext())


@pytest.mark.parametrize(
    ("share", "shown"), [(0, "0%"), (1, "100%"), (0.5, "50%"), (0.025, "2.5%"), (2 / 3, "66.7%")]
)
def test_percentages_read_naturally(share, shown):
    assert percent(share) == shown


# --- figures -----------------------------------------------------------------------------------

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def project(slug: str = "p") -> Project:
    return Project.objects.create(
        id=uuid.uuid4(), name=slug.title(), slug=slug, created_at=NOW, version=0
    )


def interview(of: Project, status: str = "analyzed", **counters: int) -> Interview:
    return Interview.objects.create(
        id=uuid.uuid4(),
        project=of,
        title=f"Interview {uuid.uuid4().hex[:4]}",
        content_sha256="0" * 64,
        language="en",
        status=status,
        created_at=NOW,
        updated_at=NOW,
        version=0,
        **counters,
    )


def sentence(
    of: Interview,
    index: int,
    ai: dict | None,
    overrides: dict | None = None,
    reviewed: bool = False,
) -> Sentence:
    """A read-model row as the projector would write it: effective = AI values, then overrides."""
    overrides = overrides or {}
    effective = {**(ai or {}), **overrides}
    return Sentence.objects.create(
        id=uuid.uuid4(),
        interview=of,
        project_id=of.project_id,
        index=index,
        original_text="x",
        text="x",
        start_char=0,
        end_char=1,
        ai_values=ai,
        overrides=overrides,
        overridden=bool(overrides),
        effective=effective,
        function_type=effective.get("function_type"),
        purpose=effective.get("purpose"),
        reviewed=reviewed,
        updated_at=NOW,
        version=1,
    )


def ai(function_type: str, purpose: str, keywords: list[str] | None = None) -> dict:
    return {
        "function_type": function_type,
        "purpose": purpose,
        "overall_keywords": keywords or [],
    }


@pytest.fixture
def rows(db):
    """Five analysed sentences and one not analysed, in an interview of project p; an
    archived interview whose sentence must not count."""
    p = project()
    live = interview(p, sentence_count=6, analyzed_count=5, reviewed_count=2, overridden_count=2)
    sentence(live, 0, ai("declarative", "Statement", ["jira", "sprint"]), reviewed=True)
    sentence(live, 1, ai("declarative", "Statement", ["jira", "jira"]), {"purpose": "Request"})
    sentence(
        live,
        2,
        ai("interrogative", "Query", ["backlog"]),
        {"function_type": "imperative", "purpose": "Request"},
    )
    sentence(live, 3, ai("interrogative", "Query", ["sprint"]), reviewed=True)
    sentence(live, 4, ai("declarative", "Answer"))
    sentence(live, 5, None)
    archived = interview(p, status="archived", sentence_count=1, reviewed_count=1)
    sentence(archived, 0, ai("exclamatory", "Warning", ["jira"]), {"purpose": "Threat"}, True)
    return p


def test_the_totals_sum_the_counters_of_the_interviews_not_archived(rows):
    totals = stats.project_totals(project_id=rows.id)
    assert (totals.interviews, totals.sentences, totals.analysed) == (1, 6, 5)
    assert (totals.reviewed, totals.overridden) == (2, 2)


def test_the_override_rate_is_overridden_among_analysed_sentences(rows):
    rates = {r.dimension: r for r in stats.project_override_rates(project_id=rows.id)}
    assert (rates[Dimension.PURPOSE].overridden, rates[Dimension.PURPOSE].analysed) == (2, 5)
    assert rates[Dimension.PURPOSE].rate == pytest.approx(0.4)
    assert rates[Dimension.PURPOSE].agreement == pytest.approx(0.6)
    assert rates[Dimension.FUNCTION_TYPE].rate == pytest.approx(0.2)
    assert rates[Dimension.TOPIC_LEVEL_1].rate == 0


def test_label_counts_list_every_label_most_frequent_first(rows):
    counts = stats.project_label_counts(project_id=rows.id, dimension=Dimension.PURPOSE)
    assert counts[:4] == [("Request", 2), ("Statement", 1), ("Query", 1), ("Answer", 1)]
    assert ("Threat", 0) in counts  # the archived interview's override does not count
    functions = stats.project_label_counts(project_id=rows.id, dimension="function_type")
    assert functions == [
        ("declarative", 3),
        ("interrogative", 1),
        ("imperative", 1),
        ("exclamatory", 0),
    ]


def test_keyword_counts_count_sentences_and_break_ties_alphabetically(rows):
    counts = stats.project_keyword_counts(project_id=rows.id, dimension=Dimension.OVERALL_KEYWORDS)
    assert counts == [("jira", 2), ("sprint", 2), ("backlog", 1)]
    top = stats.project_keyword_counts(project_id=rows.id, dimension="overall_keywords", limit=1)
    assert top == [("jira", 2)]


def test_the_confusion_matrix_counts_the_reviewed_or_overridden_sentences(rows):
    purpose = stats.project_confusion(project_id=rows.id, dimension=Dimension.PURPOSE)
    assert purpose.counts == {
        ("Statement", "Statement"): 1,
        ("Statement", "Request"): 1,
        ("Query", "Request"): 1,
        ("Query", "Query"): 1,
    }
    assert purpose.labels == ("Statement", "Query", "Request")  # those used, in label order
    assert (purpose.total, purpose.agreed) == (4, 2)
    function = stats.project_confusion(project_id=rows.id, dimension=Dimension.FUNCTION_TYPE)
    # Sentence 1 was overridden only for purpose: not judged for function type.
    assert function.counts == {
        ("declarative", "declarative"): 1,
        ("interrogative", "imperative"): 1,
        ("interrogative", "interrogative"): 1,
    }
    assert function.labels == FUNCTION_TYPES
    assert function.count("declarative", "imperative") == 0


def test_an_empty_project_has_zero_figures_and_no_division_by_zero(db):
    empty = project("empty")
    assert stats.project_totals(project_id=empty.id).sentences == 0
    assert stats.project_review_progress(project_id=empty.id) == []
    rates = stats.project_override_rates(project_id=empty.id)
    assert all(r.rate == 0 and r.agreement == 1 for r in rates)
    assert stats.project_keyword_counts(project_id=empty.id, dimension="domain_keywords") == []
    confusion = stats.project_confusion(project_id=empty.id, dimension="purpose")
    assert (confusion.total, confusion.labels) == (0, ())


def test_a_keyword_dimension_has_no_label_counts_and_no_confusion(rows):
    with pytest.raises(ValueError, match="keyword dimension"):
        stats.project_label_counts(project_id=rows.id, dimension="overall_keywords")
    with pytest.raises(ValueError, match="no single label"):
        stats.project_confusion(project_id=rows.id, dimension="domain_keywords")


def test_each_figure_is_one_query(rows, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats.project_override_rates(project_id=rows.id)
    with django_assert_num_queries(1):
        stats.project_label_counts(project_id=rows.id, dimension="purpose")
    with django_assert_num_queries(1):
        stats.project_confusion(project_id=rows.id, dimension="purpose")
    with django_assert_num_queries(1):
        stats.project_keyword_counts(project_id=rows.id, dimension="overall_keywords")
