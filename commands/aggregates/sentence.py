"""The Sentence aggregate: one sentence of a transcript, its AI analysis and the experts' work.

The *effective* value of a dimension is the expert's override if there is one, else the AI's
value (docs/architecture.md, Dimensions). Every event carries interview_id and project_id
(docs/architecture.md, Standing rule 3).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from commands.aggregates.base import Aggregate, Cause, optional_text, required_text
from commands.errors import InvalidCommand, NothingToConfirm, OutdatedAnalysis
from events.dimensions import InvalidDimensionValue, parse_dimension, validate_value

# Events that change what a reviewer confirmed; a confirmation stands only until one of them
# actually changes the text or an effective value.
_REVIEWED_CONTENT_EVENTS = frozenset(
    {
        "SentenceEdited",
        "AnalysisGenerated",
        "AnalysisOverridden",
        "AnalysisOverrideReverted",
        "AnalysisCleared",
    }
)


def sentence_id(interview_id: UUID, index: int) -> UUID:
    """The id of the sentence at `index` of an interview: deterministic, so a re-run pipeline
    addresses the same streams instead of creating duplicates (docs/architecture.md, Events)."""
    return uuid5(interview_id, str(index))


@dataclass(frozen=True)
class AiAnalysis:
    """The latest analysis an analyzer produced for the sentence."""

    analyzer: str
    model: str
    model_version: str
    prompt_version: str
    values: dict[str, Any]
    confidence: dict[str, float]


@dataclass(kw_only=True)
class Sentence(Aggregate):
    aggregate_type = "Sentence"

    interview_id: UUID | None = None
    project_id: UUID | None = None
    index: int | None = None
    text: str = ""
    original_text: str = ""  # as segmented; `text` is the current (possibly edited) text
    speaker: str | None = None
    start_char: int = 0
    end_char: int = 0
    start_ms: int | None = None
    end_ms: int | None = None
    edited: bool = False
    analysis: AiAnalysis | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    confirmed: bool = False  # confirmed, and neither text nor effective values changed since
    review_note: str | None = None

    def effective_values(self) -> dict[str, Any]:
        ai = self.analysis.values if self.analysis is not None else {}
        return {**ai, **self.overrides}

    # --- decisions ------------------------------------------------------------------------

    def create(
        self,
        *,
        interview_id: UUID,
        project_id: UUID,
        index: int,
        text: str,
        speaker: str | None,
        start_char: int,
        end_char: int,
        start_ms: int | None,
        end_ms: int | None,
        cause: Cause,
    ) -> None:
        if self.id != sentence_id(interview_id, index):
            raise InvalidCommand("a sentence's id must be sentence_id(interview_id, index)")
        required_text(text, "the sentence text")  # kept as segmented: offsets point into it
        if end_char < start_char:
            raise InvalidCommand("end_char must not be before start_char")
        if start_ms is not None and end_ms is not None and end_ms < start_ms:
            raise InvalidCommand("end_ms must not be before start_ms")
        data = {
            "interview_id": interview_id,
            "project_id": project_id,
            "index": index,
            "text": text,
            "speaker": optional_text(speaker),
            "start_char": start_char,
            "end_char": end_char,
            "start_ms": start_ms,
            "end_ms": end_ms,
        }
        self._create("SentenceCreated", data, cause)

    def edit(self, *, new_text: str, reason: str, cause: Cause) -> None:
        self._require_exists()
        new = required_text(new_text, "the sentence text")
        if new == self.text.strip():
            raise InvalidCommand("the edit does not change the text")
        data = {"old_text": self.text, "new_text": new, "reason": _reason(reason)}
        self._record_sentence_event("SentenceEdited", data, cause)

    def record_analysis(
        self,
        *,
        analyzer: str,
        model: str,
        model_version: str,
        prompt_version: str,
        values: Mapping[str, Any],
        confidence: Mapping[str, float],
        domain_keywords: Iterable[str],
        cause: Cause,
        analysed_text: str | None = None,
    ) -> None:
        self._require_exists()
        if analysed_text is not None and analysed_text != self.text:
            raise OutdatedAnalysis(
                "the sentence was edited while it was analysed: the analysis is of its old text"
            )
        if not values:
            raise InvalidCommand("an analysis needs at least one dimension value")
        clean = _dimension_values(values, domain_keywords)
        for name, score in confidence.items():
            if name not in clean:
                raise InvalidCommand(f"confidence given for {name!r}, which has no value")
            if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
                raise InvalidCommand(f"the confidence of {name} must be a number from 0 to 1")
        data = {
            "analyzer": required_text(analyzer, "the analyzer name"),
            "model": model,
            "model_version": model_version,
            "prompt_version": prompt_version,
            "values": clean,
            "confidence": dict(confidence),
        }
        self._record_sentence_event("AnalysisGenerated", data, cause)

    def override(
        self,
        *,
        fields: Mapping[str, Any],
        reason: str,
        domain_keywords: Iterable[str],
        cause: Cause,
    ) -> None:
        self._require_exists()
        if not fields:
            raise InvalidCommand("an override needs at least one field")
        new_values = _dimension_values(fields, domain_keywords)
        effective = self.effective_values()
        unchanged = [name for name, value in new_values.items() if effective.get(name) == value]
        if unchanged:
            raise InvalidCommand(
                f"the override does not change {', '.join(unchanged)}: already the effective value"
            )
        data = {
            "fields": new_values,
            "previous": {name: effective.get(name) for name in new_values},
            "reason": _reason(reason),
        }
        self._record_sentence_event("AnalysisOverridden", data, cause)

    def revert(self, *, fields: Iterable[str], reason: str, cause: Cause) -> None:
        self._require_exists()
        if isinstance(fields, str):
            raise InvalidCommand("fields must be a list of dimension names, not one string")
        names = list(dict.fromkeys(_dimension_name(name) for name in fields))
        if not names:
            raise InvalidCommand("a revert needs at least one field")
        not_overridden = [name for name in names if name not in self.overrides]
        if not_overridden:
            raise InvalidCommand(f"{', '.join(not_overridden)} not overridden: nothing to revert")
        data = {"fields": names, "reason": _reason(reason)}
        self._record_sentence_event("AnalysisOverrideReverted", data, cause)

    def clear(self, *, reason: str, cause: Cause) -> None:
        self._require_exists()
        if self.analysis is None:
            raise InvalidCommand("the sentence has no AI analysis to clear")
        self._record_sentence_event("AnalysisCleared", {"reason": _reason(reason)}, cause)

    def confirm(self, *, note: str | None, cause: Cause) -> None:
        self._require_exists()
        if self.confirmed:
            raise InvalidCommand("the sentence is already confirmed and nothing changed since")
        if not self.effective_values():
            # A confirmation says "these values are right": with no analysis (and no expert
            # value) there is nothing it could be about.
            raise NothingToConfirm("the sentence has no analysis yet: there is nothing to confirm")
        data = {"decision": "confirmed", "note": optional_text(note)}
        self._record_sentence_event("SentenceReviewed", data, cause)

    # --- state ----------------------------------------------------------------------------

    def _record_sentence_event(self, event_type: str, data: dict[str, Any], cause: Cause) -> None:
        # The ids come from the aggregate's own state, never from the caller.
        ids = {"interview_id": self.interview_id, "project_id": self.project_id}
        self._record(event_type, {**ids, **data}, cause)

    def _creation_data(self) -> dict[str, Any]:
        return {
            "interview_id": str(self.interview_id),
            "project_id": str(self.project_id),
            "index": self.index,
            "text": self.original_text,
            "speaker": self.speaker,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
        }

    def _apply(self, event_type: str, data: Mapping[str, Any]) -> None:
        seen = (self.text, self.effective_values())
        match event_type:
            case "SentenceCreated":
                self.interview_id = UUID(str(data["interview_id"]))
                self.project_id = UUID(str(data["project_id"]))
                self.index = data["index"]
                self.text = self.original_text = data["text"]
                self.speaker = data["speaker"]
                self.start_char = data["start_char"]
                self.end_char = data["end_char"]
                self.start_ms = data["start_ms"]
                self.end_ms = data["end_ms"]
            case "SentenceEdited":
                self.text = data["new_text"]
                self.edited = True
            case "AnalysisGenerated":
                self.analysis = AiAnalysis(
                    analyzer=data["analyzer"],
                    model=data["model"],
                    model_version=data["model_version"],
                    prompt_version=data["prompt_version"],
                    values=dict(data["values"]),
                    confidence=dict(data["confidence"]),
                )
            case "AnalysisOverridden":
                self.overrides = {**self.overrides, **data["fields"]}
            case "AnalysisOverrideReverted":
                reverted = set(data["fields"])
                self.overrides = {k: v for k, v in self.overrides.items() if k not in reverted}
            case "AnalysisCleared":
                self.analysis = None
            case "SentenceReviewed":
                self.confirmed = True
                self.review_note = data.get("note")
            case _:
                raise self._unknown(event_type)
        if event_type in _REVIEWED_CONTENT_EVENTS and (self.text, self.effective_values()) != seen:
            self.confirmed = False


def _reason(reason: str) -> str:
    # Every change to a sentence's data says why, for the history and for other reviewers.
    return required_text(reason, "the reason")


def _dimension_name(name: str) -> str:
    try:
        return parse_dimension(name).value
    except InvalidDimensionValue as e:
        raise InvalidCommand(str(e)) from None


def _dimension_values(values: Mapping[str, Any], domain_keywords: Iterable[str]) -> dict[str, Any]:
    """Known dimensions only, each value checked against the label sets of
    docs/architecture.md, Dimensions (and domain keywords against the project's own list),
    normalised as the label set spells them."""
    allowed = list(domain_keywords)
    clean: dict[str, Any] = {}
    for name, value in values.items():
        dimension = _dimension_name(name)
        try:
            clean[dimension] = validate_value(dimension, value, domain_keywords=allowed)
        except InvalidDimensionValue as e:
            raise InvalidCommand(str(e)) from None
    return clean
