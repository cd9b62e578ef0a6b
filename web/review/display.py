"""What a row of the review page shows: a sentence's values (effective and AI, side by side),
the form open in it, its errors and a conflict — and how values read as text."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events.dimensions import Dimension
from readmodel.models import Sentence

LOW_CONFIDENCE = 0.5  # AI values below this are marked for attention
LABELS = {
    Dimension.FUNCTION_TYPE: "Function",
    Dimension.STRUCTURE_TYPE: "Structure",
    Dimension.PURPOSE: "Purpose",
    Dimension.TOPIC_LEVEL_1: "Topic (L1)",
    Dimension.TOPIC_LEVEL_3: "Topic (L3)",
    Dimension.OVERALL_KEYWORDS: "Keywords",
    Dimension.DOMAIN_KEYWORDS: "Domain keywords",
}


@dataclass(frozen=True)
class Value:
    """One dimension of a sentence as the row shows it: effective value, and the AI's."""

    label: str
    shown: str
    ai: str
    confidence: int | None  # percent
    overridden: bool
    low: bool
    by: str
    reason: str


@dataclass(frozen=True)
class Change:
    """One change another expert made, for the conflict panel."""

    actor: str
    verb: str
    reason: str
    at: datetime | None
    fields: list[tuple[str, str, str]]  # label, old, new


@dataclass(frozen=True)
class TextMerge:
    """A text edit that met another expert's: both against the text both started from."""

    theirs: list[tuple[str, str]]  # word diff (kind, text) of the saved text against the base
    mine: list[tuple[str, str]]  # the same for the reviewer's text
    mine_text: str
    merged: str  # what the field to save starts with
    clean: bool  # False: both changed the same words (the field has theirs there)


@dataclass(frozen=True)
class Conflict:
    changes: list[Change]
    mine: list[str]  # what the reviewer's own (unsaved) change would do
    resubmit: list[tuple[str, str]]  # the form's fields, to re-apply at `version`
    version: int  # the current version: the one the conflict panel shows
    seen: int | None = None  # the version the reviewer's change was made from
    text_merge: TextMerge | None = None
    reason: str = ""


@dataclass
class Row:
    sentence: Sentence
    open: str | None = None  # the correction whose form is open in the row
    form: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflict: Conflict | None = None
    pending: int | None = None  # a version written but not yet projected: the row polls

    @property
    def values(self) -> list[Value]:
        return values_of(self.sentence)

    @property
    def form_template(self) -> str | None:
        return f"web/review/_form_{self.open}.html" if self.open else None

    @property
    def confirmable(self) -> bool:
        """Unreviewed and with values to confirm (an analysis, or an expert's)."""
        return not self.sentence.reviewed and bool(self.sentence.effective)

    @property
    def seen_version(self) -> int:
        """The version the reviewer has seen of this row: with a conflict open, the one their
        change was made from — a bulk confirmation skips the row until they resolve it."""
        if self.conflict is not None and self.conflict.seen is not None:
            return self.conflict.seen
        return self.sentence.version

    @property
    def error(self) -> str:
        """A message about the row as a whole (e.g. a refused confirmation)."""
        return " ".join(self.errors.get("form", []))


def values_of(sentence: Sentence) -> list[Value]:
    ai, confidence = sentence.ai_values or {}, sentence.ai_confidence or {}
    values = []
    for dimension, label in LABELS.items():
        overridden = dimension.value in sentence.overrides
        meta = sentence.override_meta.get(dimension.value) or {}
        score = confidence.get(dimension.value)
        values.append(
            Value(
                label=label,
                shown=as_text(sentence.effective.get(dimension.value)),
                ai=as_text(ai.get(dimension.value)),
                confidence=None if score is None else round(100 * score),
                overridden=overridden,
                low=not overridden and score is not None and score < LOW_CONFIDENCE,
                by=actor_name(meta.get("actor")),
                reason=meta.get("reason") or "",
            )
        )
    return values


def as_text(value: object) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def actor_name(actor: object) -> str:
    if isinstance(actor, dict):
        return str(actor.get("display") or actor.get("id") or "")
    return str(actor or "")
