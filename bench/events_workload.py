"""A large, valid event history for the projection benchmark: ~100k events in seconds.

Every event is *decided by the aggregates* (Project.create, Sentence.record_analysis,
Sentence.override, Sentence.confirm, ...), exactly as the command handlers would decide it, so
each payload has passed the event catalogue and every stream is one the aggregates accept on
replay. Only the transport differs: instead of ~30k `SqlEventStore.append` calls (one per
sentence stream at least; measured here at ~1,000 appends/s on SQLite and ~400/s on PostgreSQL
even inside one transaction, i.e. 30-75 s per database), the rows are built as the store builds
them (bench.workload.row: the store's columns and schema versions) and inserted with the
driver's executemany into the fresh bench database, in one transaction (~4 s). The replay then
checks what matters for the measurement: every event applied, none parked, a row per sentence.

Because the order of the log is free this way, it is the order production writes:

1. the project;
2. per interview, what `ingest()` appends: InterviewCreated, status processing, every
   SentenceCreated, every AnalysisGenerated, status analyzed;
3. a share of the interviews re-run with a newer prompt (status processing, a new
   AnalysisGenerated per sentence, status analyzed);
4. the experts' work, weeks later: edits (each followed by an analysis of the new text),
   overrides, some reverted, confirmations — several experts at once, each going through their
   interviews sentence by sentence, so the log interleaves a few interviews at a time.

Ids are drawn from a seeded generator, so SQLite and PostgreSQL replay the same history.
"""

import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from commands.aggregates import Aggregate, Cause, Interview, Project, Sentence
from commands.aggregates.project import project_id_for_slug
from commands.aggregates.sentence import sentence_id
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS, DIMENSIONS
from events.envelope import Actor, NewEvent

# The pipeline's actors, and the label sets of the single-label dimensions.
PIPELINE, ANALYZER = Actor.system("pipeline"), Actor.ai("heuristic")
SINGLE_LABELS: dict[str, tuple[str, ...]] = {
    d.value: spec.labels for d, spec in DIMENSIONS.items() if not spec.multi and spec.labels
}
SAMPLE = (
    "we moved the sprint review to thursdays because half of the team works remotely and the"
    " backlog grooming took too long so our product owner asked for a shorter retro with clear"
    " actions in jira and a dashboard of the metrics that matter for the roadmap next quarter"
)
WORDS = SAMPLE.split()
KEYWORDS = ("sprint review", "backlog", "remote team", "dashboard", "roadmap", "retro", "metrics")


@dataclass(frozen=True)
class HistorySize:
    """The shape of the history (written to the JSON beside the figures)."""

    interviews: int = 200
    sentences: int = 150  # per interview
    rerun: float = 0.5  # share of interviews analysed a second time, with a newer prompt
    edited: float = 0.05  # shares of sentences experts edit (each then analysed again) ...
    overridden: float = 0.2  # ... override one or two values of ...
    reverted: float = 0.15  # ... (share of the overridden ones whose override is reverted)
    reviewed: float = 0.6  # ... and confirm
    experts: int = 8  # working at the same time, each on their own interviews
    seed: int = 7


@dataclass(frozen=True)
class Recorded:
    """One event of the history at its stream version (its log position: list index + 1)."""

    stream: str
    version: int
    event: NewEvent


@dataclass
class History:
    events: list[Recorded]
    project_id: uuid.UUID
    interview_ids: list[uuid.UUID]

    @property
    def sentences(self) -> int:
        return sum(1 for r in self.events if r.event.event_type == "SentenceCreated")

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.event.event_type for r in self.events).most_common())


class _Builder:
    """Decides events with the aggregates and keeps them in log order."""

    def __init__(self, size: HistorySize) -> None:
        self.size = size
        self.rng = random.Random(size.seed)
        self.events: list[Recorded] = []

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def cause(self, actor: Actor, correlation_id: uuid.UUID | None = None) -> Cause:
        command_id = self.new_id()
        return Cause(actor, command_id, correlation_id or command_id)

    def take(self, aggregate: Aggregate) -> None:
        """Move the event the aggregate just recorded into the log, at its next version."""
        (event,) = aggregate.pending
        version = 0 if aggregate.version is None else aggregate.version + 1
        aggregate.mark_saved(version)
        self.events.append(Recorded(aggregate.stream, version, event))

    def text(self) -> str:
        start = self.rng.randrange(len(WORDS) - 25)
        words = WORDS[start : start + self.rng.randint(8, 24)]
        return " ".join(words).capitalize() + "."

    def analysis(self, sentence: Sentence, keywords: tuple[str, ...], prompt: str) -> None:
        rng = self.rng
        values: dict[str, Any] = {
            name: rng.choice(labels) for name, labels in SINGLE_LABELS.items()
        }
        values["overall_keywords"] = rng.sample(KEYWORDS, rng.randint(1, 4))
        values["domain_keywords"] = rng.sample(keywords, rng.randint(0, 2))
        confidence = {name: round(rng.uniform(0.4, 1.0), 2) for name in SINGLE_LABELS}
        sentence.record_analysis(
            analyzer="heuristic",
            model="rules",
            model_version="1",
            prompt_version=prompt,
            values=values,
            confidence=confidence,
            domain_keywords=keywords,
            cause=self.cause(ANALYZER),
        )
        self.take(sentence)


def build(size: HistorySize) -> History:
    """The whole history, in log order (see the module docstring)."""
    b = _Builder(size)
    project = Project(id=project_id_for_slug("bench-projections"))
    project.create(
        name="Projection bench",
        slug="bench-projections",
        domain_keywords=DEFAULT_DOMAIN_KEYWORDS,
        cause=b.cause(PIPELINE),
    )
    b.take(project)
    keywords = project.domain_keywords
    interviews = [_ingest(b, project.id, keywords, n) for n in range(size.interviews)]
    for interview, sentences in interviews:
        if b.rng.random() < size.rerun:
            _rerun(b, interview, sentences, keywords)
    _experts(b, [sentences for _, sentences in interviews], keywords)
    return History(b.events, project.id, [interview.id for interview, _ in interviews])


def _ingest(
    b: _Builder, project_id: uuid.UUID, keywords: tuple[str, ...], n: int
) -> tuple[Interview, list[Sentence]]:
    """What `ingest()` appends for one transcript, in its order."""
    interview = Interview(id=b.new_id())
    ingest = b.cause(PIPELINE)
    interview.create(
        project_id=project_id,
        title=f"Interview {n}: team practices",
        source_filename=f"interview-{n}.txt",
        content_sha256=f"{b.rng.getrandbits(256):064x}",
        language="en",
        participants=("Interviewer", f"Participant {n}"),
        recorded_on=date(2025, 1 + n % 12, 1 + n % 28),
        metadata={"batch": "bench"},
        cause=ingest,
    )
    b.take(interview)
    _status(b, interview, "processing")
    sentences = []
    offset = 0
    for index in range(b.size.sentences):
        text = b.text()
        sentence = Sentence(id=sentence_id(interview.id, index))
        sentence.create(
            interview_id=interview.id,
            project_id=project_id,
            index=index,
            text=text,
            speaker="Interviewer" if index % 2 == 0 else f"Participant {n}",
            start_char=offset,
            end_char=offset + len(text),
            start_ms=None,
            end_ms=None,
            cause=b.cause(PIPELINE, ingest.correlation_id),
        )
        b.take(sentence)
        sentences.append(sentence)
        offset += len(text) + 1
    for sentence in sentences:
        b.analysis(sentence, keywords, "v1")
    _status(b, interview, "analyzed")
    return interview, sentences


def _status(b: _Builder, interview: Interview, to_status: str) -> None:
    interview.change_status(to_status=to_status, reason=None, cause=b.cause(PIPELINE))
    b.take(interview)


def _rerun(
    b: _Builder, interview: Interview, sentences: list[Sentence], keywords: tuple[str, ...]
) -> None:
    _status(b, interview, "processing")
    for sentence in sentences:
        b.analysis(sentence, keywords, "v2")
    _status(b, interview, "analyzed")


def _experts(b: _Builder, interviews: list[list[Sentence]], keywords: tuple[str, ...]) -> None:
    """The experts' work: each expert goes through their interviews sentence by sentence; at
    every step one of the experts still working (at random) records their next decision."""
    experts = max(1, b.size.experts)
    queues = [
        _expert_work(b, Actor.human(e + 1, f"Expert {e + 1}"), interviews[e::experts], keywords)
        for e in range(experts)
    ]
    while queues:
        queue = b.rng.choice(queues)
        try:
            next(queue)
        except StopIteration:
            queues.remove(queue)


def _expert_work(
    b: _Builder, expert: Actor, interviews: list[list[Sentence]], keywords: tuple[str, ...]
) -> Iterator[None]:
    """Yields after each event it records, so experts' work interleaves in the log."""
    size, rng = b.size, b.rng
    for sentences in interviews:
        for sentence in sentences:
            if rng.random() < size.edited:
                new_text = sentence.text.replace(".", ", as far as I remember.")
                sentence.edit(
                    new_text=new_text, reason="transcription error", cause=b.cause(expert)
                )
                b.take(sentence)
                yield
                b.analysis(sentence, keywords, "v2")
                yield
            if rng.random() < size.overridden:
                fields = _override_fields(rng, sentence)
                sentence.override(
                    fields=fields,
                    reason="the speaker answers the question before",
                    domain_keywords=keywords,
                    cause=b.cause(expert),
                )
                b.take(sentence)
                yield
                if rng.random() < size.reverted:
                    reason = "second opinion: the AI was right"
                    sentence.revert(fields=list(fields)[:1], reason=reason, cause=b.cause(expert))
                    b.take(sentence)
                    yield
            if rng.random() < size.reviewed:
                sentence.confirm(note=None, cause=b.cause(expert))
                b.take(sentence)
                yield


def _override_fields(rng: random.Random, sentence: Sentence) -> dict[str, str]:
    """One or two single-label values other than the effective ones."""
    effective = sentence.effective_values()
    names = rng.sample(["purpose", "topic_level_1", "function_type"], rng.randint(1, 2))
    return {
        name: rng.choice([v for v in SINGLE_LABELS[name] if v != effective.get(name)])
        for name in names
    }


def write(history: History, chunk: int = 5000) -> float:
    """Insert the history into the configured (fresh) database's event store; return seconds.

    Rows go in as the store writes them (bench.workload.row: its columns and schema versions)
    in Django's representation on each backend (bench.baseline's parameter functions), with
    executemany through Django's connection: positions follow the list's order.
    """
    from django.db import connection, transaction

    from bench.baseline import COLUMNS, postgres_params, sqlite_params
    from bench.workload import row
    from events.envelope import utcnow
    from events.models import StoredEvent

    params = sqlite_params if connection.vendor == "sqlite" else postgres_params
    insert = (
        f"INSERT INTO {StoredEvent._meta.db_table} ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})"
    )
    started = time.perf_counter()
    now = utcnow()
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(history.events), chunk):
            cursor.executemany(
                insert,
                [
                    params(row(r.event, r.stream, r.version, now))
                    for r in history.events[i : i + chunk]
                ],
            )
    return time.perf_counter() - started
