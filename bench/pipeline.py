"""Pipeline figures: heuristic throughput, and the openai backend's concurrency.

- heuristic: the three shared sample transcripts through `ingest()` into a fresh database
  (sentences/s, events included), beside the same-run baseline of the analyzer alone on the
  same sentences — the ratio is what recording events costs on top of analysing.
- openai: the OpenAI-compatible backend against the fake server answering after 200 ms, the
  same sentences at concurrency 1 and 10; the ratio shows the concurrency bound at work.
"""

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.databases import ROOT

SAMPLES = ROOT.parent / "shared" / "samples"
LATENCY_S = 0.2


@dataclass(frozen=True)
class PipelineParams:
    """Counts of the pipeline scenarios (written to the JSON beside the figures)."""

    repeats: int = 3  # runs of pipeline and analyzer alone; the median of each is reported
    openai_sentences: int = 40  # sentences of the first sample sent to the fake server


def sample_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.txt"))
    if not files:
        raise SystemExit(f"bench: no sample transcripts in {SAMPLES}")
    return files


def heuristic(vendor: str, params: PipelineParams) -> dict[str, Any]:
    """Runs in a worker whose Django is set up for a fresh, migrated database."""
    from analysis.context import analysis_requests
    from analysis.heuristic import HeuristicAnalyzer, clear_caches
    from analysis.port import Utterance
    from events.dimensions import DEFAULT_DOMAIN_KEYWORDS
    from events.wiring import get_event_store
    from ingestion.pipeline import PIPELINE, ingest
    from ingestion.prepare import prepare_upload
    from ingestion.projects import ensure_project

    uploads = [
        prepare_upload(p.read_bytes(), filename=p.name, max_bytes=10**7) for p in sample_files()
    ]
    sentences = sum(len(u.segments) for u in uploads)
    store = get_event_store()
    analyzer = HeuristicAnalyzer()

    def analyse_only() -> float:
        clear_caches()  # both sides start cold: the pipeline's sentences are the same texts
        started = time.perf_counter()
        for upload in uploads:
            utterances = [Utterance(s.text, s.speaker) for s in upload.segments]
            analyzer.analyze(analysis_requests(utterances, DEFAULT_DOMAIN_KEYWORDS))
        return time.perf_counter() - started

    def pipeline(run: int) -> float:
        # A project per run: the same files in a new project are new interviews.
        project = ensure_project(f"bench-{run}", store=store, actor=PIPELINE)
        clear_caches()
        started = time.perf_counter()
        for upload in uploads:
            outcome = ingest(upload, project_id=project.id, analyzer=analyzer, store=store)
            assert outcome.status == "analyzed", outcome
        return time.perf_counter() - started

    analyse_only()  # warm-up: lexicons, YAKE's stop words
    baseline, full = [], []
    for run in range(params.repeats):
        baseline.append(analyse_only())
        full.append(pipeline(run))
    middle = params.repeats // 2
    base_s, full_s = sorted(baseline)[middle], sorted(full)[middle]
    return {
        "database": vendor,
        "sentences": sentences,
        "pipeline_sentences_per_s": round(sentences / full_s, 1),
        "analyzer_only_sentences_per_s": round(sentences / base_s, 1),
        "ratio_pipeline_over_analyzer": round(base_s / full_s, 3),
        "runs_pipeline_s": [round(s, 3) for s in full],
        "runs_analyzer_only_s": [round(s, 3) for s in baseline],
    }


def openai_concurrency(params: PipelineParams) -> dict[str, Any]:
    """No database involved: the analyzer against the fake server over loopback HTTP."""
    from analysis.context import analysis_requests
    from analysis.fake_openai import FakeOpenAIServer
    from analysis.openai_compatible import OpenAIAnalyzer
    from analysis.port import Utterance
    from events.dimensions import DEFAULT_DOMAIN_KEYWORDS
    from ingestion.prepare import prepare_upload

    path = sample_files()[0]
    upload = prepare_upload(path.read_bytes(), filename=path.name, max_bytes=10**7)
    utterances = [Utterance(s.text, s.speaker) for s in upload.segments[: params.openai_sentences]]
    requests = analysis_requests(utterances, DEFAULT_DOMAIN_KEYWORDS)
    figures: dict[str, Any] = {"latency_ms": LATENCY_S * 1000, "sentences": len(requests)}
    with FakeOpenAIServer(latency=LATENCY_S) as fake:
        for concurrency in (1, 10):
            analyzer = OpenAIAnalyzer(
                base_url=fake.base_url,
                api_key=fake.api_key,
                model="fake-model",
                concurrency=concurrency,
            )
            try:
                started = time.perf_counter()
                analyzer.analyze(requests)
                seconds = time.perf_counter() - started
            finally:
                analyzer.close()
            figures[f"concurrency_{concurrency}"] = {
                "seconds": round(seconds, 3),
                "sentences_per_s": round(len(requests) / seconds, 1),
                "max_in_flight": fake.max_in_flight,
            }
            fake.max_in_flight = 0
    figures["ratio_c10_over_c1"] = round(
        figures["concurrency_10"]["sentences_per_s"] / figures["concurrency_1"]["sentences_per_s"],
        2,
    )
    return figures


def document(
    heuristics: list[dict[str, Any]], openai: dict[str, Any], params: PipelineParams
) -> dict[str, Any]:
    """The "pipeline" section of latest.json."""
    return {
        "description": __doc__,
        "sizes": asdict(params),
        "heuristic": heuristics,
        "openai": openai,
    }


def table(heuristics: list[dict[str, Any]], openai: dict[str, Any]) -> str:
    rows = [
        f"heuristic pipeline ({h['database']}, {h['sentences']} sentences):"
        f" {h['pipeline_sentences_per_s']:,.0f} sentences/s; analyzer alone"
        f" {h['analyzer_only_sentences_per_s']:,.0f}/s;"
        f" ratio {h['ratio_pipeline_over_analyzer']:.2f}"
        for h in heuristics
    ]
    c1, c10 = openai["concurrency_1"], openai["concurrency_10"]
    rows.append(
        f"openai backend, fake server {openai['latency_ms']:.0f} ms, {openai['sentences']}"
        f" sentences: concurrency 1 {c1['sentences_per_s']:.1f}/s, concurrency 10"
        f" {c10['sentences_per_s']:.1f}/s (max in flight {c10['max_in_flight']});"
        f" ratio {openai['ratio_c10_over_c1']:.2f}"
    )
    return "\n".join(rows)
