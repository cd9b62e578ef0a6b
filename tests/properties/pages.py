"""What an expert saw: an interview's review page as the live read model showed it, and the
changes an expert makes from it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from readmodel import models as rm
from tests.projections.workload import KEYWORDS, SINGLE_LABELS

OVERRIDABLE = (*sorted(SINGLE_LABELS), "overall_keywords", "domain_keywords")
# Keyword lists only grow here, so a keyword an expert saw in a lagging read model is still
# allowed when their override reaches the write side (removing one is another property).
NEW_KEYWORDS = ("Ledger", "Budget sync", "Categorisation")


@dataclass(frozen=True)
class SentenceView:
    id: UUID
    version: int
    text: str
    effective: dict[str, Any]
    overrides: dict[str, Any]
    analysed: bool
    reviewed: bool


@dataclass(frozen=True)
class Page:
    """An interview's review page as one expert saw it: interview, project, sentences."""

    interview_id: UUID
    version: int
    title: str
    language: str
    participants: tuple[str, ...]
    recorded_on: date | None
    status: str
    project_id: UUID
    project_version: int
    project_name: str
    keywords: tuple[str, ...]
    sentences: dict[UUID, SentenceView]


def read_page(interview_id: UUID) -> Page | None:
    """The page from the live read model; None while the interview or its project is not in it."""
    interview = rm.Interview.objects.filter(id=interview_id).first()
    if interview is None:
        return None
    project = rm.Project.objects.filter(id=interview.project_id).first()
    if project is None:  # its lane is behind the interview's
        return None
    sentences = {
        row.id: SentenceView(
            id=row.id,
            version=row.version,
            text=row.text,
            effective=row.effective,
            overrides=row.overrides,
            analysed=row.ai_values is not None,
            reviewed=row.reviewed,
        )
        for row in rm.Sentence.objects.filter(interview_id=interview_id)
    }
    return Page(
        interview_id=interview.id,
        version=interview.version,
        title=interview.title,
        language=interview.language,
        participants=tuple(interview.participants),
        recorded_on=interview.recorded_on,
        status=interview.status,
        project_id=project.id,
        project_version=project.version,
        project_name=project.name,
        keywords=tuple(project.domain_keywords),
        sentences=sentences,
    )


# Which sentences offer each correction, from what the page shows.
OFFERED: dict[str, Callable[[SentenceView], bool]] = {
    "edit": lambda seen: True,
    "override": lambda seen: True,
    "revert": lambda seen: bool(seen.overrides),
    "clear": lambda seen: seen.analysed,
    "confirm": lambda seen: not seen.reviewed,
}


def override_fields(seen: SentenceView, keywords: Sequence[str], pick: int) -> dict[str, Any]:
    """One dimension set to a value other than the effective one the expert saw."""
    name = OVERRIDABLE[pick % len(OVERRIDABLE)]
    current = seen.effective.get(name)
    if name in SINGLE_LABELS:
        labels = SINGLE_LABELS[name]
        value: Any = labels[pick % len(labels)]
        return {name: value if value != current else labels[(pick + 1) % len(labels)]}
    choices = KEYWORDS if name == "overall_keywords" else keywords
    value = [choices[pick % len(choices)]]
    return {name: value if value != current else []}


def new_details(page: Page, pick: int) -> dict[str, Any]:
    """One of an interview's details changed from what the expert saw: a participant added,
    the recording date moved, the language switched."""
    match pick % 3:
        case 0:
            return {"participants": (*page.participants, f"Guest {pick}")}
        case 1:
            day = page.recorded_on or date(2026, 1, 1)
            return {"recorded_on": day + timedelta(days=1 + pick)}
    return {"language": "de" if page.language != "de" else "pt-BR"}
