import re

import pytest

from analysis.heuristic import HeuristicAnalyzer
from commands.aggregates import Interview, Sentence, sentence_id
from commands.bus import handle
from commands.errors import NotFound
from commands.messages import ChangeInterviewStatus, ClearAnalysis, EditSentence
from commands.repository import Repository
from events.dimensions import DIMENSIONS, validate_value
from events.envelope import Actor
from events.sql_store import SqlEventStore
from ingestion.pipeline import IngestRefused, ingest, interview_id_for
from ingestion.prepare import PreparedUpload, prepare_upload
from ingestion.projects import ensure_project
from ingestion.upload import RejectedUpload
from tests.commands.builders import PIPELINE, REVIEWER
from tests.ingestion.helpers import (
    DEMO_FILES,
    SAMPLE_FILES,
    FailingAfter,
    ProcessKilled,
    events_of,
    per_sentence,
    provider_down,
    type_counts,
)

pytestmark = pytest.mark.django_db
UPLOADER = Actor.human(3, "Ulla Uploader")


@pytest.fixture
def store() -> SqlEventStore:
    return SqlEventStore()


@pytest.fixture
def project(store):
    return ensure_project("ledgerline", store=store, actor=PIPELINE)


def prepared(path=SAMPLE_FILES[0], title=None) -> PreparedUpload:
    return prepare_upload(path.read_bytes(), filename=path.name, max_bytes=5_000_000, title=title)


def run(store, project, upload, analyzer=None, **options):
    return ingest(
        upload,
        project_id=project.id,
        analyzer=analyzer or HeuristicAnalyzer(),
        store=store,
        **options,
    )


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_each_sample_gives_one_sentence_and_one_analysis_per_sentence(store, project, path):
    upload = prepared(path)
    outcome = run(store, project, upload)
    events = events_of(store, outcome.interview_id)
    n = len(upload.segments)
    assert outcome.status == "analyzed"
    assert outcome.sentences == n
    assert outcome.analyses_recorded == n
    assert type_counts(events) == {
        "InterviewCreated": 1,
        "InterviewStatusChanged": 2,
        "SentenceCreated": n,
        "AnalysisGenerated": n,
    }
    assert set(per_sentence(events, "AnalysisGenerated").values()) == {1}
    for event in events:
        if event.event_type == "AnalysisGenerated":
            assert set(event.data["values"]) == {d.value for d in DIMENSIONS}
            for name, value in event.data["values"].items():
                assert validate_value(name, value, domain_keywords=project.domain_keywords) == value


def test_events_come_in_pipeline_order_with_the_right_actors_and_one_correlation(store, project):
    outcome = run(store, project, prepared(), uploader=UPLOADER)
    events = events_of(store, outcome.interview_id)
    kinds = [e.event_type for e in events]
    first_analysis = kinds.index("AnalysisGenerated")
    assert kinds[:2] == ["InterviewCreated", "InterviewStatusChanged"]
    assert events[1].data["to_status"] == "processing"
    assert set(kinds[2:first_analysis]) == {"SentenceCreated"}
    assert kinds[-1] == "InterviewStatusChanged"
    assert events[-1].data == {"from_status": "processing", "to_status": "analyzed", "reason": None}
    actors = {(e.event_type, str(e.actor)) for e in events}
    assert actors == {
        ("InterviewCreated", "human:3"),
        ("InterviewStatusChanged", "system:pipeline"),
        ("SentenceCreated", "system:pipeline"),
        ("AnalysisGenerated", "ai:heuristic"),
    }
    assert len({e.correlation_id for e in events}) == 1
    assert all(e.causation_id is not None for e in events)


def test_interview_metadata_comes_from_the_front_matter(store, project):
    upload = prepared()
    outcome = run(store, project, upload)
    created = events_of(store, outcome.interview_id)[0]
    meta = upload.transcript.metadata
    assert created.data["title"] == meta.title == outcome.title
    assert created.data["recorded_on"] == meta.recorded_on.isoformat()
    assert created.data["participants"][: len(meta.participants)] == list(meta.participants)
    assert created.data["content_sha256"] == upload.content_sha256
    assert created.data["source_filename"] == SAMPLE_FILES[0].name


def test_sentences_keep_speaker_and_offsets_into_the_original_text(store, project):
    upload = prepared()
    outcome = run(store, project, upload)
    created = [
        e for e in events_of(store, outcome.interview_id) if e.event_type == "SentenceCreated"
    ]
    assert [e.data["index"] for e in created] == list(range(len(upload.segments)))
    for event in created:
        data = event.data
        assert upload.text[data["start_char"] : data["end_char"]] == data["text"]
        assert data["speaker"] in upload.transcript.speakers
        assert event.aggregate_id == sentence_id(outcome.interview_id, data["index"])


def test_a_title_given_wins_over_the_front_matter(store, project):
    outcome = run(store, project, prepared(title="  Jordan, March "))
    assert outcome.title == "Jordan, March"


def test_running_it_again_on_the_same_upload_writes_nothing(store, project):
    first = run(store, project, prepared())
    head = store.head_position()
    again = run(store, project, prepared())
    assert again.interview_id == first.interview_id
    assert again.resumed
    assert again.analyses_recorded == 0
    assert store.head_position() == head


def test_the_same_file_in_another_project_is_another_interview(store, project):
    other = ensure_project("other-team", store=store, actor=PIPELINE)
    upload = prepared()
    assert run(store, project, upload).interview_id != run(store, other, upload).interview_id


def test_a_run_that_dies_half_way_is_completed_by_the_next_without_duplicates(store, project):
    upload = prepared()
    with pytest.raises(ProcessKilled):
        run(store, project, upload, analyzer=FailingAfter(20, ProcessKilled()))
    interview_id = interview_id_for(project.id, upload.content_sha256)
    half = events_of(store, interview_id)
    assert 0 < type_counts(half)["AnalysisGenerated"] < len(upload.segments)

    outcome = run(store, project, upload)

    events = events_of(store, interview_id)
    n = len(upload.segments)
    assert outcome.resumed
    assert outcome.analyses_recorded == n - type_counts(half)["AnalysisGenerated"]
    assert events[: len(half)] == half
    assert per_sentence(events, "SentenceCreated") == per_sentence(events, "AnalysisGenerated")
    assert set(per_sentence(events, "AnalysisGenerated").values()) == {1}
    assert len(per_sentence(events, "AnalysisGenerated")) == n
    statuses = [e.data["to_status"] for e in events if e.event_type == "InterviewStatusChanged"]
    assert statuses == ["processing", "analyzed"]


def test_an_analyzer_failure_fails_the_interview_with_the_reason_and_a_rerun_recovers(
    store, project
):
    upload = prepared()
    failed = run(store, project, upload, analyzer=FailingAfter(5, provider_down()))
    assert failed.status == "failed"
    assert "503 from the provider" in failed.reason

    recovered = run(store, project, upload)

    assert recovered.status == "analyzed"
    events = events_of(store, failed.interview_id)
    statuses = [
        (e.data["to_status"], e.data["reason"])
        for e in events
        if e.event_type == "InterviewStatusChanged"
    ]
    assert statuses == [
        ("processing", None),
        ("failed", f"analysis failed: {provider_down()}"),
        ("processing", None),
        ("analyzed", None),
    ]
    assert set(per_sentence(events, "AnalysisGenerated").values()) == {1}
    assert type_counts(events)["SentenceCreated"] == len(upload.segments)


def test_a_rerun_does_not_bring_back_an_analysis_an_expert_cleared(store, project):
    upload = prepared()
    with pytest.raises(ProcessKilled):
        run(store, project, upload, analyzer=FailingAfter(20, ProcessKilled()))
    interview_id = interview_id_for(project.id, upload.content_sha256)
    first = sentence_id(interview_id, 0)
    version = store.current_version(f"Sentence-{first}")
    handle(
        ClearAnalysis(
            actor=REVIEWER, sentence_id=first, reason="wrong speaker", expected_version=version
        ),
        Repository(store),
    )

    run(store, project, upload)

    assert Repository(store).get(Sentence, first).analysis is None


def test_an_archived_interview_is_not_run_again(store, project):
    upload = prepared()
    with pytest.raises(ProcessKilled):
        run(store, project, upload, analyzer=FailingAfter(3, ProcessKilled()))
    interview_id = interview_id_for(project.id, upload.content_sha256)
    version = store.current_version(f"Interview-{interview_id}")
    handle(
        ChangeInterviewStatus(
            actor=REVIEWER,
            interview_id=interview_id,
            to_status="archived",
            expected_version=version,
        ),
        Repository(store),
    )
    with pytest.raises(IngestRefused, match="archived"):
        run(store, project, upload)
    assert Repository(store).get(Interview, interview_id).status == "archived"


def test_a_missing_project_is_refused_before_anything_is_written(store, project):
    from uuid import uuid4

    head = store.head_position()
    with pytest.raises(NotFound):
        ingest(prepared(), project_id=uuid4(), analyzer=HeuristicAnalyzer(), store=store)
    assert store.head_position() == head


def test_progress_is_reported_for_both_phases(store, project):
    seen: list[tuple[str, int, int]] = []
    upload = prepared()
    run(store, project, upload, progress=lambda *step: seen.append(step))
    n = len(upload.segments)
    assert ("sentences", n, n) in seen
    assert seen[-1] == ("analysis", n, n)
    analysis_steps = [done for phase, done, _ in seen if phase == "analysis"]
    assert analysis_steps == sorted(analysis_steps)


def test_the_demo_transcripts_cover_three_formats():
    # `make run` ingests them; the parametrised test below would run on nothing without them.
    formats = {
        prepare_upload(p.read_bytes(), filename=p.name, max_bytes=5_000_000).transcript.format
        for p in DEMO_FILES
    }
    assert formats == {"text", "webvtt", "srt"}


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_each_demo_transcript_is_ingested_with_speakers(store, project, path):
    upload = prepared(path)
    outcome = run(store, project, upload)
    assert outcome.status == "analyzed"
    created = [
        e for e in events_of(store, outcome.interview_id) if e.event_type == "SentenceCreated"
    ]
    assert len(created) == len(upload.segments) >= 20
    assert all(e.data["speaker"] for e in created)


class RecordingBatches(HeuristicAnalyzer):
    batch_size = 5

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def analyze(self, requests):
        self.calls.append(len(requests))
        return super().analyze(requests)


def test_sentences_are_sent_to_the_analyzer_in_its_batch_size(store, project):
    analyzer = RecordingBatches()
    upload = prepared()
    run(store, project, upload, analyzer=analyzer)
    n = len(upload.segments)
    assert analyzer.calls == [5] * (n // 5) + ([n % 5] if n % 5 else [])


def test_a_bug_fails_the_interview_with_the_reason_and_is_raised(store, project):
    upload = prepared()
    with pytest.raises(ZeroDivisionError):
        run(store, project, upload, analyzer=FailingAfter(3, ZeroDivisionError("oops")))
    interview_id = interview_id_for(project.id, upload.content_sha256)
    last = events_of(store, interview_id)[-1]
    assert last.data["to_status"] == "failed"
    assert last.data["reason"] == "ingestion failed: ZeroDivisionError: oops"
    assert run(store, project, upload).status == "analyzed"  # fixed, a re-run completes it


class EditingAnalyzer(HeuristicAnalyzer):
    """An expert edits sentence 2 while the analyzer is busy with it."""

    def __init__(self, store, interview_id) -> None:
        super().__init__()
        self.store, self.interview_id = store, interview_id

    def analyze(self, requests):
        results = super().analyze(requests)
        target = Repository(self.store).get(Sentence, sentence_id(self.interview_id, 2))
        if not target.edited:
            handle(
                EditSentence(
                    actor=REVIEWER,
                    sentence_id=target.id,
                    new_text="Edited while it was being analysed.",
                    reason="typo",
                    expected_version=target.version,
                ),
                Repository(self.store),
            )
        return results


def test_an_analysis_of_text_edited_meanwhile_is_not_recorded(store, project):
    upload = prepared()
    interview_id = interview_id_for(project.id, upload.content_sha256)
    outcome = run(store, project, upload, analyzer=EditingAnalyzer(store, interview_id))
    edited = Repository(store).get(Sentence, sentence_id(interview_id, 2))
    assert edited.text == "Edited while it was being analysed."
    assert edited.analysis is None  # left to the re-analysis reaction
    assert outcome.status == "analyzed"
    assert outcome.analyses_recorded == len(upload.segments) - 1


class ConcurrentRun(HeuristicAnalyzer):
    """Starts a whole second run of the same upload while the first is analysing."""

    def __init__(self, store, project, upload) -> None:
        super().__init__()
        self.store, self.project, self.upload, self.second = store, project, upload, None

    def analyze(self, requests):
        if self.second is None:
            self.second = ingest(
                self.upload,
                project_id=self.project.id,
                analyzer=HeuristicAnalyzer(),
                store=self.store,
            )
        return super().analyze(requests)


def test_two_runs_of_the_same_upload_at_once_write_everything_once(store, project):
    upload = prepared()
    analyzer = ConcurrentRun(store, project, upload)
    first = run(store, project, upload, analyzer=analyzer)
    events = events_of(store, first.interview_id)
    n = len(upload.segments)
    assert analyzer.second.status == first.status == "analyzed"
    assert analyzer.second.analyses_recorded + first.analyses_recorded == n
    assert type_counts(events) == {
        "InterviewCreated": 1,
        "InterviewStatusChanged": 2,
        "SentenceCreated": n,
        "AnalysisGenerated": n,
    }


@pytest.mark.parametrize(
    ("content", "title", "message"),
    [
        (
            b"Maya: " + b"word" * 4000 + b".\n",
            None,
            "sentence 1 (at character 6) cannot be recorded: text: String should have at most",
        ),
        (b"Maya: We use Jira.\n", "T" * 10_001, "interview cannot be recorded: title: String"),
    ],
    ids=["sentence-without-spaces", "title"],
)
def test_text_too_long_to_record_is_refused_before_anything_is_written(content, title, message):
    with pytest.raises(RejectedUpload, match=re.escape(message)):
        prepare_upload(content, filename="long.txt", max_bytes=5_000_000, title=title)
