"""A project's dashboard: review progress, what the values are, and where experts disagree
with the AI — as server-drawn SVG charts with their numbers in tables.

The figures come from `readmodel.stats` (one aggregate query each); this module only turns
them into charts (web.charts) and the page.
"""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from access.permissions import Role
from events.dimensions import Dimension
from readmodel import stats
from web.charts import Bar, Chart, Progress, Table, bar_chart, heatmap, percent, progress_chart
from web.pages import project_for

DIMENSION_NAMES = {
    Dimension.FUNCTION_TYPE: "Function type",
    Dimension.STRUCTURE_TYPE: "Structure type",
    Dimension.PURPOSE: "Purpose",
    Dimension.TOPIC_LEVEL_1: "Topic (level 1)",
    Dimension.TOPIC_LEVEL_3: "Topic (level 3)",
    Dimension.OVERALL_KEYWORDS: "Overall keywords",
    Dimension.DOMAIN_KEYWORDS: "Domain keywords",
}
# The issue asks for AI-vs-expert matrices of these two: the short label set and the long one.
CONFUSION_DIMENSIONS = (Dimension.FUNCTION_TYPE, Dimension.PURPOSE)


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, Role.VIEWER)
    context = {"project": project, **dashboard_charts(project_id=project.id)}
    return render(request, "web/dashboard.html", context)


def dashboard_charts(*, project_id: UUID) -> dict[str, Any]:
    """Every figure of the dashboard, drawn: the page's context apart from the project."""
    totals = stats.project_totals(project_id=project_id)
    return {
        "totals": totals,
        "reviewed_share": _share(totals.reviewed, totals.sentences),
        "progress": review_progress_chart(project_id=project_id, totals=totals),
        "overrides": override_rate_chart(project_id=project_id),
        "confusions": [
            confusion_chart(project_id=project_id, dimension=d) for d in CONFUSION_DIMENSIONS
        ],
        "distributions": [
            distribution_chart(project_id=project_id, dimension=d)
            for d in (*stats.SINGLE_LABEL_DIMENSIONS, *stats.KEYWORD_DIMENSIONS)
        ],
    }


def review_progress_chart(*, project_id: UUID, totals: stats.ProjectTotals) -> Chart:
    interviews = stats.project_review_progress(project_id=project_id)
    rows = [Progress("All interviews", totals.reviewed, totals.sentences)] if interviews else []
    rows += [Progress(i.title, i.reviewed, i.total) for i in interviews]
    return progress_chart(
        chart_id="chart-progress",
        title="Review progress",
        rows=rows,
        caption="Sentences confirmed as reviewed, of all sentences, per interview.",
        highlight_first=True,
    )


def distribution_chart(*, project_id: UUID, dimension: Dimension) -> Chart:
    name = DIMENSION_NAMES[dimension]
    if dimension in stats.KEYWORD_DIMENSIONS:
        counts = stats.project_keyword_counts(project_id=project_id, dimension=dimension)
        caption = f"The {len(counts)} most frequent effective keywords, by sentences carrying them."
        columns = ("Keyword", "Sentences")
    else:
        counts = stats.project_label_counts(project_id=project_id, dimension=dimension)
        caption = "Sentences per effective value (expert override, else AI)."
        unused = [label for label, n in counts if not n]
        if unused and len(unused) < len(counts):
            # Bars for unused labels would only stretch the chart; they are named instead
            # (and listed with 0 in the data table).
            caption += f" Not used: {', '.join(unused)}."
        columns = ("Value", "Sentences")
    used = [(label, n) for label, n in counts if n]
    table = Table(columns, tuple((label, str(n)) for label, n in counts)) if used else None
    return bar_chart(
        chart_id=f"chart-values-{dimension.value.replace('_', '-')}",
        title=name,
        bars=[Bar(label, n) for label, n in used],
        caption=caption if used else "",
        columns=columns,
        table=table,
        empty="No analysed sentences yet.",
    )


def override_rate_chart(*, project_id: UUID) -> Chart:
    rates = stats.project_override_rates(project_id=project_id)
    analysed = rates[0].analysed if rates else 0
    bars = [
        Bar(
            DIMENSION_NAMES[r.dimension],
            r.rate,
            text=f"{percent(r.rate)} ({r.overridden}/{r.analysed})",
        )
        for r in rates
    ]
    table = Table(
        ("Dimension", "Overridden", "Analysed", "Override rate", "Agreement"),
        tuple(
            (
                DIMENSION_NAMES[r.dimension],
                str(r.overridden),
                str(r.analysed),
                percent(r.rate),
                percent(r.agreement),
            )
            for r in rates
        ),
    )
    return bar_chart(
        chart_id="chart-override-rate",
        title="Override rate per dimension",
        bars=bars if analysed else [],
        max_value=1.0,  # a rate: bars share one 0-100% scale, not the largest rate's
        caption=(
            f"Share of the {analysed} analysed sentences whose value an expert overrode,"
            " i.e. disagreed with the AI. Agreement = 100% minus the override rate."
        ),
        description=(
            "; ".join(f"{b.label} {b.text}" for b in bars)
            if analysed
            else "No analysed sentences yet."
        ),
        table=table,
        empty="No analysed sentences yet.",
    )


def confusion_chart(*, project_id: UUID, dimension: Dimension) -> Chart:
    confusion = stats.project_confusion(project_id=project_id, dimension=dimension)
    name = DIMENSION_NAMES[dimension]
    total, agreed = confusion.total, confusion.agreed
    caption = (
        f"Rows: the AI's value; columns: the effective (expert) value. Counted over the"
        f" {total} analysed sentences an expert judged for this dimension — confirmed as"
        f" reviewed, or with {name.lower()} overridden."
    )
    if total:
        caption += f" Diagonal (agreement): {agreed} of {total} ({percent(agreed / total)})."
    return heatmap(
        chart_id=f"chart-confusion-{dimension.value.replace('_', '-')}",
        title=f"{name}: AI vs expert",
        labels=confusion.labels if total else [],
        counts=confusion.counts,
        row_axis="AI value",
        column_axis="Expert value",
        caption=caption,
        empty="No sentence reviewed or overridden yet.",
    )


def _share(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


urlpatterns = [path("projects/<slug:slug>/dashboard/", dashboard, name="dashboard")]
