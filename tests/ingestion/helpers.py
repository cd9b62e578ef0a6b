"""Shared by the ingestion tests: the sample files, a fault-injecting analyzer, event lookups."""

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from analysis.heuristic import HeuristicAnalyzer
from analysis.port import Analysis, AnalysisRequest, Analyzer, AnalyzerError
from events.envelope import RecordedEvent
from events.store import EventStore
from ingestion.pipeline import PIPELINE, IngestOutcome, ingest
from ingestion.prepare import prepare_upload
from ingestion.projects import ensure_project

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "transcripts"
DEMO_FILES = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in {".txt", ".vtt", ".srt"})


class FailingAfter(Analyzer):
    """The heuristic analyzer until `after` sentences were analysed, then `error` — to stand in
    for a provider that goes down (AnalyzerError) or a process that dies (BaseException)."""

    def __init__(self, after: int, error: BaseException) -> None:
        self.inner = HeuristicAnalyzer()
        self.name, self.model = self.inner.name, self.inner.model
        self.model_version, self.prompt_version = self.inner.model_version, "n/a"
        self.after, self.error, self.analysed = after, error, 0

    def analyze(self, requests: Sequence[AnalysisRequest]) -> list[Analysis]:
        results = []
        for request in requests:
            if self.analysed >= self.after:
                raise self.error
            results.extend(self.inner.analyze([request]))
            self.analysed += 1
        return results


class ProcessKilled(BaseException):
    """Not an Exception: nothing in the pipeline may catch it, as with a SIGKILL."""


def provider_down() -> AnalyzerError:
    return AnalyzerError("503 from the provider after 5 attempts", retryable=True)


def events_of(store: EventStore, interview_id: UUID) -> list[RecordedEvent]:
    """Every event of one interview (its own stream and its sentences'), in log order."""
    return [
        e
        for e in store.read_all()
        if e.aggregate_id == interview_id or e.data.get("interview_id") == str(interview_id)
    ]


def type_counts(events: Sequence[RecordedEvent]) -> Counter[str]:
    return Counter(e.event_type for e in events)


def per_sentence(events: Sequence[RecordedEvent], event_type: str) -> Counter[UUID]:
    return Counter(e.aggregate_id for e in events if e.event_type == event_type)


def ingest_sample(
    store: EventStore, *, slug: str = "ledgerline", sample: Path | None = None
) -> IngestOutcome:
    """A sample transcript ingested (heuristic analyzer) into project `slug`, created as the
    pipeline if missing — the starting point of the API, UI and graph tests. Not projected;
    the project's id is `project_id_for_slug(slug)`."""
    sample = sample or SAMPLE_FILES[1]
    project = ensure_project(slug, store=store, actor=PIPELINE)
    upload = prepare_upload(sample.read_bytes(), filename=sample.name, max_bytes=5_000_000)
    return ingest(upload, project_id=project.id, analyzer=HeuristicAnalyzer(), store=store)
