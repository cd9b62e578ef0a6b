"""How each event changes the relational read model.

The state transitions are the aggregates' own: a row is turned back into its aggregate, the
event is replayed on it (`Aggregate.replay`, the code the write side decides with), and the
result is written back with what only the read model keeps (who overrode what and why, when it
was reviewed, whether the analysis is stale). So the read model cannot drift from the rules.

`BatchRows` loads the rows a batch touches with one query per table and writes them back in
bulk at the end: replay speed comes from there.
"""

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from django.db.models import Count, Q

from commands.aggregates import Interview, Project, Sentence
from commands.aggregates.sentence import AiAnalysis
from events.dimensions import DIMENSIONS
from events.envelope import RecordedEvent
from readmodel import models as rm

SINGLE_LABELS = [d.value for d, spec in DIMENSIONS.items() if not spec.multi]
Row = rm.Project | rm.Interview | rm.Sentence


class BatchRows:
    """The rows of one batch, keyed by id; new and changed ones are written by `flush`."""

    def __init__(self, events: Sequence[RecordedEvent]) -> None:
        ids: dict[str, set[UUID]] = {"Project": set(), "Interview": set(), "Sentence": set()}
        for event in events:
            ids[event.aggregate_type].add(event.aggregate_id)
        self.rows: dict[type[Row], dict[UUID, Row]] = {
            rm.Project: rm.Project.objects.in_bulk(ids["Project"]),
            rm.Interview: rm.Interview.objects.in_bulk(ids["Interview"]),
            rm.Sentence: rm.Sentence.objects.in_bulk(ids["Sentence"]),
        }
        self.new: dict[type[Row], set[UUID]] = {model: set() for model in self.rows}
        self.changed: dict[type[Row], set[UUID]] = {model: set() for model in self.rows}
        self.interviews_touched: set[UUID] = set()

    def get(self, model: type[Row], row_id: UUID) -> Any:
        return self.rows[model].get(row_id)

    def put(self, row: Row) -> None:
        model = type(row)
        if row.pk not in self.rows[model]:
            self.new[model].add(row.pk)
        self.rows[model][row.pk] = row
        self.changed[model].add(row.pk)

    def flush(self) -> None:
        # One upsert per table: bulk_update's CASE WHEN per field and row costs far more
        # (a 20k-event replay spent 108 of 115 s there).
        for model in (rm.Project, rm.Interview, rm.Sentence):
            changed = [self.rows[model][pk] for pk in sorted(self.changed[model], key=str)]
            if not changed:
                continue
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
            model.objects.bulk_create(
                changed,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=fields,
            )


def apply_event(rows: BatchRows, event: RecordedEvent) -> None:
    """Apply one event to the rows, unless its row has it already (version guard)."""
    match event.aggregate_type:
        case "Project":
            _apply_project(rows, event)
        case "Interview":
            _apply_interview(rows, event)
        case "Sentence":
            _apply_sentence(rows, event)
        case other:
            raise ValueError(f"no read model for {other} events")


def _seen(row: Row | None, event: RecordedEvent) -> bool:
    return row is not None and row.version >= event.version


# Fields an aggregate and its row share by name; lists on rows are tuples on aggregates.
PROJECT_FIELDS = ("name", "slug", "domain_keywords")
INTERVIEW_FIELDS = (
    "project_id", "title", "source_filename", "content_sha256", "language", "participants",
    "recorded_on", "metadata", "status",
)  # fmt: skip
SENTENCE_FIELDS = (
    "interview_id", "project_id", "index", "text", "original_text", "speaker", "start_char",
    "end_char", "start_ms", "end_ms", "edited", "overrides", "review_note",
)  # fmt: skip


def _load(aggregate: Any, row: Row, names: tuple[str, ...]) -> None:
    """Put a row's state back into its aggregate, as if its events had been replayed."""
    aggregate.version = row.version
    for name in names:
        value = getattr(row, name)
        setattr(aggregate, name, tuple(value) if isinstance(value, list) else _copied(value))


def _store(row: Row, aggregate: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(aggregate, name)
        setattr(row, name, list(value) if isinstance(value, tuple) else _copied(value))


def _copied(value: Any) -> Any:
    # Row and aggregate must not share a dict: the aggregate's next event would change the row.
    return dict(value) if isinstance(value, dict) else value


# --- projects ----------------------------------------------------------------------------------


def _apply_project(rows: BatchRows, event: RecordedEvent) -> None:
    row: rm.Project | None = rows.get(rm.Project, event.aggregate_id)
    if _seen(row, event):
        return
    project = Project(id=event.aggregate_id)
    if row is not None:
        _load(project, row, PROJECT_FIELDS)
    project.replay(event)
    if row is None:
        row = rm.Project(id=project.id, created_at=event.occurred_at)
    _store(row, project, PROJECT_FIELDS)
    row.version = event.version
    rows.put(row)


# --- interviews --------------------------------------------------------------------------------


def _apply_interview(rows: BatchRows, event: RecordedEvent) -> None:
    row: rm.Interview | None = rows.get(rm.Interview, event.aggregate_id)
    if _seen(row, event):
        return
    interview = Interview(id=event.aggregate_id)
    if row is not None:
        _load(interview, row, INTERVIEW_FIELDS)
    interview.replay(event)
    if row is None:
        row = rm.Interview(id=interview.id, created_at=event.occurred_at)
    _store(row, interview, INTERVIEW_FIELDS)
    if event.event_type == "InterviewStatusChanged":
        row.status_reason = event.data.get("reason")
    row.updated_at = event.occurred_at
    row.version = event.version
    rows.put(row)


# --- sentences ---------------------------------------------------------------------------------


def _apply_sentence(rows: BatchRows, event: RecordedEvent) -> None:
    row: rm.Sentence | None = rows.get(rm.Sentence, event.aggregate_id)
    if _seen(row, event):
        return
    sentence = _sentence_of(row, event.aggregate_id)
    sentence.replay(event)
    if row is None:
        row = rm.Sentence(id=sentence.id, original_text=sentence.original_text)
    _write_sentence(row, sentence)
    _record_extras(row, sentence, event)
    row.updated_at = event.occurred_at
    row.version = event.version
    rows.put(row)
    rows.interviews_touched.add(row.interview_id)


def _sentence_of(row: rm.Sentence | None, sentence_id: UUID) -> Sentence:
    sentence = Sentence(id=sentence_id)
    if row is None:
        return sentence
    _load(sentence, row, SENTENCE_FIELDS)
    sentence.confirmed = row.reviewed
    if row.ai_values is not None:
        sentence.analysis = AiAnalysis(
            analyzer=row.analyzer,
            model=row.model,
            model_version=row.model_version,
            prompt_version=row.prompt_version,
            values=dict(row.ai_values),
            confidence=dict(row.ai_confidence or {}),
        )
    return sentence


def _write_sentence(row: rm.Sentence, sentence: Sentence) -> None:
    _store(row, sentence, SENTENCE_FIELDS)
    row.reviewed = sentence.confirmed
    analysis = sentence.analysis
    row.ai_values = dict(analysis.values) if analysis else None
    row.ai_confidence = dict(analysis.confidence) if analysis else None
    row.analyzer = analysis.analyzer if analysis else ""
    row.model = analysis.model if analysis else ""
    row.model_version = analysis.model_version if analysis else ""
    row.prompt_version = analysis.prompt_version if analysis else ""
    row.overridden = bool(sentence.overrides)
    row.effective = sentence.effective_values()
    for name in SINGLE_LABELS:
        setattr(row, name, row.effective.get(name))
    row.min_confidence = _min_confidence(row.ai_confidence, sentence.overrides)


def _record_extras(row: rm.Sentence, sentence: Sentence, event: RecordedEvent) -> None:
    """What the aggregate does not keep: provenance, review time, staleness."""
    data = event.data
    match event.event_type:
        case "SentenceCreated":
            row.blocked = False
        case "SentenceEdited":
            row.stale_analysis = sentence.analysis is not None
        case "AnalysisGenerated":
            row.stale_analysis, row.analysed_at = False, event.occurred_at
        case "AnalysisCleared":
            row.stale_analysis, row.analysed_at = False, None
        case "AnalysisOverridden":
            meta = {"actor": event.actor.as_dict(), "at": event.occurred_at.isoformat()}
            row.override_meta = {
                **row.override_meta,
                **{name: {**meta, "reason": data["reason"]} for name in data["fields"]},
            }
        case "AnalysisOverrideReverted":
            reverted = set(data["fields"])
            row.override_meta = {k: v for k, v in row.override_meta.items() if k not in reverted}
        case "SentenceReviewed":
            row.reviewed_by, row.reviewed_at = event.actor.as_dict(), event.occurred_at


def _min_confidence(confidence: dict | None, overrides: dict) -> float | None:
    """The lowest confidence among AI values still in force (an override replaces its value)."""
    scores = [v for k, v in (confidence or {}).items() if k not in overrides]
    return min(scores) if scores else None


# --- counters ----------------------------------------------------------------------------------


def recount(interview_ids: Iterable[UUID]) -> None:
    """Interview counters, counted afresh from the sentence rows (idempotent by construction)."""
    ids = list(interview_ids)
    if not ids:
        return
    counts = (
        rm.Sentence.objects.filter(interview_id__in=ids)
        .values("interview_id")
        .annotate(
            sentence_count=Count("id"),
            analyzed_count=Count("id", filter=Q(ai_values__isnull=False)),
            edited_count=Count("id", filter=Q(edited=True)),
            overridden_count=Count("id", filter=Q(overridden=True)),
            reviewed_count=Count("id", filter=Q(reviewed=True)),
            stale_count=Count("id", filter=Q(stale_analysis=True)),
        )
    )
    by_interview = {c.pop("interview_id"): c for c in counts}
    interviews = rm.Interview.objects.in_bulk(ids)
    for interview_id, interview in interviews.items():
        for name, value in by_interview.get(interview_id, {}).items():
            setattr(interview, name, value)
    rm.Interview.objects.bulk_update(interviews.values(), list(rm.INTERVIEW_COUNTERS))
