"""The ingestion pipeline: a prepared upload in, events out (SPEC 8). It writes nothing else.

upload → InterviewCreated → status processing → SentenceCreated per sentence →
AnalysisGenerated per sentence → status analyzed (or failed, with the reason).

Idempotent and resumable: every id is derived from the upload (interview id from project and
content hash, sentence ids from the interview and index, command ids from both), and each step
first looks at what the streams already hold. A run killed at any instant and started again on
the same upload carries on where the first stopped, never writing an event twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4, uuid5

from analysis.context import analysis_request
from analysis.port import Analyzer, AnalyzerError, Utterance
from commands.aggregates import Interview, Project, Sentence, sentence_id
from commands.aggregates.base import derived_event_id
from commands.bus import handle
from commands.errors import CommandError, InvalidCommand, NotFound, StaleVersion
from commands.messages import (
    ChangeInterviewStatus,
    Command,
    CreateInterview,
    CreateSentence,
    RecordAnalysis,
)
from commands.repository import Repository
from commands.results import CommandResult
from events.envelope import Actor
from events.store import EventStore
from ingestion.prepare import PreparedUpload

PIPELINE = Actor.system("pipeline")
MAX_REASON = 500

# (phase, done, total): phase is "sentences" or "analysis".
Progress = Callable[[str, int, int], None]


class IngestRefused(CommandError):
    """The interview exists in a state the pipeline must not touch (archived)."""


@dataclass(frozen=True)
class IngestOutcome:
    interview_id: UUID
    title: str
    status: str  # "analyzed" or "failed"
    sentences: int
    analyses_recorded: int  # by this run; a resumed run records only what was missing
    resumed: bool  # the interview existed before this run
    reason: str | None = None  # why it failed


def interview_id_for(project_id: UUID, content_sha256: str) -> UUID:
    """The same file uploaded to the same project is the same interview: a re-run resumes it."""
    return uuid5(project_id, f"interview/{content_sha256}")


def ingest(
    upload: PreparedUpload,
    *,
    project_id: UUID,
    analyzer: Analyzer,
    store: EventStore,
    title: str | None = None,
    uploader: Actor = PIPELINE,
    progress: Progress | None = None,
) -> IngestOutcome:
    """Run (or resume) the pipeline for `upload` in project `project_id`.

    `uploader` is the actor of InterviewCreated: the authenticated user for an upload, the
    pipeline for the CLI. Sentences are recorded by the pipeline, analyses by `ai:<analyzer>`.
    Raises NotFound if the project does not exist and IngestRefused for an archived interview;
    an analyzer failure ends in status failed and an outcome that says why.
    """
    run = _Run(
        repo=Repository(store),
        upload=upload,
        project_id=project_id,
        interview_id=interview_id_for(project_id, upload.content_sha256),
        analyzer=analyzer,
        progress=progress or _no_progress,
        correlation_id=uuid4(),
    )
    return run.execute(title=title or upload.default_title, uploader=uploader)


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class _Run:
    repo: Repository
    upload: PreparedUpload
    project_id: UUID
    interview_id: UUID
    analyzer: Analyzer
    progress: Progress
    correlation_id: UUID  # one per run: all its events can be found together

    def execute(self, *, title: str, uploader: Actor) -> IngestOutcome:
        project = self.repo.get(Project, self.project_id)
        if not project.exists:
            raise NotFound("Project", self.project_id)
        interview = self.repo.get(Interview, self.interview_id)
        resumed = interview.exists
        if not resumed:
            self._create_interview(title, uploader)
        elif interview.status == "archived":
            raise IngestRefused(f"interview {self.interview_id} is archived; it is not re-run")
        elif interview.status == "analyzed":
            return self._outcome(resumed=True, recorded=0)
        self._move_to("processing")
        try:
            self._create_sentences()
            recorded = self._analyse(project.domain_keywords)
        except AnalyzerError as e:
            reason = _reason(f"analysis failed: {e}")
            self._move_to("failed", reason)
            return self._outcome(resumed=resumed, recorded=0, reason=reason)
        self._move_to("analyzed")
        return self._outcome(resumed=resumed, recorded=recorded)

    # --- steps ------------------------------------------------------------------------------

    def _create_interview(self, title: str, uploader: Actor) -> None:
        metadata = self.upload.transcript.metadata
        self._send(
            CreateInterview(
                actor=uploader,
                command_id=self._command_id("create-interview"),
                correlation_id=self.correlation_id,
                interview_id=self.interview_id,
                project_id=self.project_id,
                title=title,
                source_filename=self.upload.filename,
                content_sha256=self.upload.content_sha256,
                participants=self.upload.transcript.speakers,
                recorded_on=metadata.recorded_on,
                metadata={"format": self.upload.transcript.format, **dict(metadata.extra)},
            )
        )

    def _create_sentences(self) -> None:
        segments = self.upload.segments
        for done, seg in enumerate(segments, start=1):
            self._send(
                CreateSentence(
                    actor=PIPELINE,
                    command_id=self._command_id(f"create-sentence/{seg.index}"),
                    correlation_id=self.correlation_id,
                    interview_id=self.interview_id,
                    index=seg.index,
                    text=seg.text,
                    speaker=seg.speaker,
                    start_char=seg.start_char,
                    end_char=seg.end_char,
                    start_ms=seg.start_ms,
                    end_ms=seg.end_ms,
                )
            )
            self.progress("sentences", done, len(segments))

    def _analyse(self, domain_keywords: tuple[str, ...]) -> int:
        """Record the first analysis of every sentence that lacks one; return how many."""
        sentences = [
            self.repo.get(Sentence, sentence_id(self.interview_id, seg.index))
            for seg in self.upload.segments
        ]
        utterances = [Utterance(s.text, s.speaker) for s in sentences]
        todo = [i for i, s in enumerate(sentences) if not self._analysed_before(s)]
        total, done = len(sentences), len(sentences) - len(todo)
        self.progress("analysis", done, total)
        size = max(1, self.analyzer.batch_size)
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            requests = [analysis_request(utterances, i, domain_keywords) for i in batch]
            results = self.analyzer.analyze(requests)
            if len(results) != len(batch):
                raise AnalyzerError(f"{len(results)} results for {len(batch)} sentences")
            for index, result in zip(batch, results, strict=True):
                self._record_analysis(sentences[index].id, result.values, result.confidence)
                done += 1
                self.progress("analysis", done, total)
        return len(todo)

    def _analysed_before(self, sentence: Sentence) -> bool:
        # Not `sentence.analysis is not None`: an expert may have cleared the first analysis,
        # and a re-run must not bring it back.
        if sentence.analysis is not None:
            return True
        command_id = self._analysis_command_id(sentence.id)
        event_id = derived_event_id(command_id, sentence.stream, 0)
        return self.repo.recorded(sentence, event_id) is not None

    def _record_analysis(self, sid: UUID, values: dict, confidence: dict) -> None:
        analyzer = self.analyzer
        command = RecordAnalysis(
            actor=Actor.ai(analyzer.name),
            command_id=self._analysis_command_id(sid),
            correlation_id=self.correlation_id,
            sentence_id=sid,
            analyzer=analyzer.name,
            model=analyzer.model,
            model_version=analyzer.model_version,
            prompt_version=analyzer.prompt_version,
            values=values,
            confidence=confidence,
        )
        try:
            self._send_retrying(command)
        except InvalidCommand as e:
            # The analyzer answered something the sentence refuses: its fault, not the data's.
            raise AnalyzerError(
                f"the {analyzer.name} analyzer gave an invalid analysis: {e}"
            ) from e

    def _move_to(self, status: str, reason: str | None = None) -> None:
        """Set the interview's status unless it is there already (a re-run, a concurrent run)."""
        for _ in range(3):
            if self.repo.get(Interview, self.interview_id).status == status:
                return
            command = ChangeInterviewStatus(
                actor=PIPELINE,
                correlation_id=self.correlation_id,
                interview_id=self.interview_id,
                to_status=status,
                reason=reason,
            )
            try:
                self._send(command)
                return
            except StaleVersion:
                continue  # another run moved it meanwhile: look again
        raise StaleVersion(f"Interview-{self.interview_id}", None, None, [])

    # --- helpers ----------------------------------------------------------------------------

    def _send(self, command: Command) -> CommandResult:
        return handle(command, self.repo)

    def _send_retrying(self, command: Command) -> CommandResult:
        """A system command appends at the version it loaded; if an expert changed the sentence
        in between, decide again on the fresh state (the handler reloads) — a bounded number of
        times. Nothing is re-appended blindly: each attempt is a new decision."""
        for attempt in range(3):
            try:
                return self._send(command)
            except StaleVersion:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _command_id(self, step: str) -> UUID:
        return uuid5(self.interview_id, step)

    def _analysis_command_id(self, sid: UUID) -> UUID:
        return uuid5(sid, "initial-analysis")

    def _outcome(self, *, resumed: bool, recorded: int, reason: str | None = None) -> IngestOutcome:
        interview = self.repo.get(Interview, self.interview_id)
        return IngestOutcome(
            interview_id=self.interview_id,
            title=interview.title,
            status=interview.status or "",
            sentences=len(self.upload.segments),
            analyses_recorded=recorded,
            resumed=resumed,
            reason=reason,
        )


def _reason(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
