"""Figures of a project's dashboard, computed from the relational read model.

Selectors in the HackSoft sense: keyword-only, typed, read-only. Each figure costs one
aggregate query whatever the project's size (a project may hold ~10k sentences); nothing here
issues a query per row. Only the keyword counts read rows into Python: counting the elements
of JSON lists needs `jsonb_array_elements` on PostgreSQL and `json_each` on SQLite, and one
narrow column of 10k rows is cheap enough to keep the query portable.

Every figure covers the project's interviews that are not archived: archiving sets an
interview aside, and the interview list hides it too.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.fields.json import KT

from events.dimensions import DIMENSIONS, Dimension
from readmodel.models import Interview, Sentence

# The dimensions with one label each; the read model also keeps them as columns.
SINGLE_LABEL_DIMENSIONS: tuple[Dimension, ...] = tuple(
    d for d, s in DIMENSIONS.items() if not s.multi
)
KEYWORD_DIMENSIONS: tuple[Dimension, ...] = tuple(d for d, s in DIMENSIONS.items() if s.multi)
TOP_KEYWORDS = 15
# Shown for a missing value in a confusion matrix (an AI analysis without this dimension).
NO_VALUE = "(none)"


@dataclass(frozen=True)
class InterviewProgress:
    interview_id: uuid.UUID
    title: str
    reviewed: int
    total: int


@dataclass(frozen=True)
class ProjectTotals:
    """The interview counters (kept by the projector) summed over the project."""

    interviews: int
    sentences: int
    analysed: int
    edited: int
    overridden: int
    reviewed: int


@dataclass(frozen=True)
class OverrideRate:
    dimension: Dimension
    overridden: int  # analysed sentences whose value of the dimension an expert overrode
    analysed: int

    @property
    def rate(self) -> float:
        return self.overridden / self.analysed if self.analysed else 0.0

    @property
    def agreement(self) -> float:
        """1 - rate: with no analysed sentence there is no disagreement either, so 1."""
        return 1.0 - self.rate


@dataclass(frozen=True)
class Confusion:
    """AI value (rows) against effective value (columns) of one dimension.

    Counted over the sentences an expert has judged for this dimension: analysed sentences
    that are confirmed as reviewed, or whose value of the dimension is overridden. Counting
    every analysed sentence would fill the diagonal with values nobody has looked at.
    """

    dimension: Dimension
    labels: tuple[str, ...]  # rows and columns alike, so the diagonal is agreement
    counts: dict[tuple[str, str], int]  # (ai, effective) → sentences; absent pairs are 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def agreed(self) -> int:
        return sum(n for (ai, effective), n in self.counts.items() if ai == effective)

    def count(self, ai: str, effective: str) -> int:
        return self.counts.get((ai, effective), 0)


def project_interviews(*, project_id: uuid.UUID) -> QuerySet[Interview]:
    """The interviews the dashboard covers: the project's, archived ones left out."""
    return Interview.objects.filter(project_id=project_id).exclude(status="archived")


def project_sentences(*, project_id: uuid.UUID) -> QuerySet[Sentence]:
    """The sentences the dashboard covers: those of `project_interviews`."""
    interviews = project_interviews(project_id=project_id).values("id")
    return Sentence.objects.filter(project_id=project_id, interview_id__in=interviews)


def project_totals(*, project_id: uuid.UUID) -> ProjectTotals:
    sums = project_interviews(project_id=project_id).aggregate(
        interviews=Count("id"),
        sentences=Sum("sentence_count"),
        analysed=Sum("analyzed_count"),
        edited=Sum("edited_count"),
        overridden=Sum("overridden_count"),
        reviewed=Sum("reviewed_count"),
    )
    return ProjectTotals(**{name: value or 0 for name, value in sums.items()})


def project_review_progress(*, project_id: uuid.UUID) -> list[InterviewProgress]:
    """Reviewed and total sentences per interview, oldest interview first.

    Read from the interview counters the projector recounts on every sentence change — the
    same numbers the interview list shows, at the cost of one row per interview.
    """
    rows = (
        project_interviews(project_id=project_id)
        .order_by("created_at", "id")
        .values_list("id", "title", "reviewed_count", "sentence_count")
    )
    return [InterviewProgress(*row) for row in rows]


def project_label_counts(
    *, project_id: uuid.UUID, dimension: Dimension | str
) -> list[tuple[str, int]]:
    """Sentences per effective value of a single-label dimension, most frequent first; every
    allowed label is listed, unused ones with 0 (that a label is never used is a finding)."""
    dimension = Dimension(dimension)
    spec = DIMENSIONS[dimension]
    if spec.multi:
        raise ValueError(f"{dimension} is a keyword dimension: use project_keyword_counts")
    grouped = (
        project_sentences(project_id=project_id)
        .filter(**{f"{dimension.value}__isnull": False})
        .values_list(dimension.value)
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(grouped)
    labels = list(spec.labels or ()) + sorted(set(counts) - set(spec.labels or ()))
    order = {label: i for i, label in enumerate(labels)}
    return sorted(((label, counts.get(label, 0)) for label in labels), key=_by_count(order))


def project_keyword_counts(
    *, project_id: uuid.UUID, dimension: Dimension | str, limit: int = TOP_KEYWORDS
) -> list[tuple[str, int]]:
    """The `limit` most frequent effective keywords of a keyword dimension, with the number of
    sentences carrying each; ties in alphabetical order so the list is stable."""
    dimension = Dimension(dimension)
    if not DIMENSIONS[dimension].multi:
        raise ValueError(f"{dimension} is a single-label dimension: use project_label_counts")
    values = project_sentences(project_id=project_id).values_list(
        f"effective__{dimension.value}", flat=True
    )
    counter: Counter[str] = Counter()
    for keywords in values.iterator(chunk_size=2000):
        if isinstance(keywords, list):
            # A sentence counts once per keyword, even if a list repeated it.
            counter.update({k for k in keywords if isinstance(k, str)})
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0].lower(), item[0]))
    return ranked[:limit]


def project_override_rates(*, project_id: uuid.UUID) -> list[OverrideRate]:
    """Per dimension, how many analysed sentences carry an expert override of it.

    An override is refused when it would not change the effective value, so an overridden
    dimension is one the expert disagreed with the AI about.
    """
    analysed = Q(ai_values__isnull=False)
    aggregates = {"analysed": Count("id", filter=analysed)}
    for dimension in DIMENSIONS:
        has_override = Q(overrides__has_key=dimension.value)
        aggregates[dimension.value] = Count("id", filter=analysed & has_override)
    counts = project_sentences(project_id=project_id).aggregate(**aggregates)
    return [
        OverrideRate(dimension, counts[dimension.value], counts["analysed"])
        for dimension in DIMENSIONS
    ]


def project_confusion(*, project_id: uuid.UUID, dimension: Dimension | str) -> Confusion:
    """The AI-vs-expert matrix of a single-label dimension (see `Confusion`).

    Labels: all allowed labels of a small set (≤ 6, so the matrix always looks the same);
    of a large set only those that occur, in the set's order, so the matrix stays readable.
    """
    dimension = Dimension(dimension)
    spec = DIMENSIONS[dimension]
    if spec.multi:
        raise ValueError(f"{dimension} has no single label to compare")
    judged = Q(reviewed=True) | Q(overrides__has_key=dimension.value)
    grouped = (
        project_sentences(project_id=project_id)
        .filter(Q(ai_values__isnull=False) & judged)
        .values_list(KT(f"ai_values__{dimension.value}"), F(dimension.value))
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {}
    for ai, effective, n in grouped:
        key = (_label(ai), _label(effective))
        counts[key] = counts.get(key, 0) + n
    allowed = tuple(spec.labels or ())
    seen = {label for pair in counts for label in pair}
    if len(allowed) <= 6:
        labels = allowed + tuple(sorted(seen - set(allowed)))
    else:
        labels = tuple(label for label in allowed if label in seen)
        labels += tuple(sorted(seen - set(allowed)))
    return Confusion(dimension, labels, counts)


def _label(value: Any) -> str:
    return NO_VALUE if value is None or value == "" else str(value)


def _by_count(order: dict[str, int]) -> Any:
    return lambda item: (-item[1], order[item[0]])
