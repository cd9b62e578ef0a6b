"""The ingestion pipeline: a prepared upload in, events out (docs/architecture.md, Ingestion). It
writes nothing else.

upload → InterviewCreated → status processing → SentenceCreated per sentence →
AnalysisGenerated per sentence → status analyzed (or failed, with the reason).

Idempotent and resumable: every id is derived from the upload (interview id from project and
content hash, sentence ids from the interview and index, command ids from both), and each step
first looks at what the streams already hold. A run killed at any instant and started again on
the same upload carries on where the first stopped, never writing an event twice. Two runs of
the same upload at once (a CLI run beside a redelivered task) are safe for the same reasons.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4, uuid5

from analysis.context import analysis_request
from analysis.port import Analysis, Analyzer, AnalyzerError, Utterance
from commands.aggregates import Interview, Project, Sentence, sentence_id
from commands.aggregates.base import derived_event_id
from commands.bus import handle
from commands.errors import CommandError, InvalidCommand, NotFound, OutdatedAnalysis, StaleVersion
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

log = logging.getLogger(__name__)

PIPELINE = Actor.system("pipeline")
MAX_REASON = 500
ATTEMPTS = 3  # decisions on fresh state when another writer moved a stream meanwhile

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
    uploader: Actor = PIPELINE,
    progress: Progress | None = None,
) -> IngestOutcome:
    """Run (or resume) the pipeline for `upload` in project `project_id`.

    `uploader` is the actor of InterviewCreated: the authenticated user for an upload, the
    pipeline for the CLI. Sentences are recorded by the pipeline, analyses by `ai:<analyzer>`.
    Raises NotFound if the project does not exist and IngestRefused for an archived interview.
    An analyzer failure ends in status failed and an outcome that says why; any other error
    also marks the interview failed (when the store still answers) and is raised.
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
    return run.execute(uploader)


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
    recorded: int = 0  # analyses this run recorded

    def execute(self, uploader: Actor) -> IngestOutcome:
        project = self.repo.get(Project, self.project_id)
        if not project.exists:
            raise NotFound("Project", self.project_id)
        interview = self.repo.get(Interview, self.interview_id)
        resumed = interview.exists
        if not resumed:
            self._create_interview(uploader)
        elif interview.status == "archived":
            raise IngestRefused(f"interview {self.interview_id} is archived; it is not re-run")
        if not self._start():
            return self._outcome(resumed=True)  # analysed already, by an earlier or another run
        try:
            self._create_sentences()
            self._analyse(project.domain_keywords)
        except AnalyzerError as e:
            return self._fail(f"analysis failed: {e}", resumed=resumed)
        except Exception as e:
            # Not a BaseException: a run that is killed or interrupted stays `processing`, to be
            # resumed; an error that would only happen again is recorded where people see it.
            self._fail_quietly(f"ingestion failed: {type(e).__name__}: {e}")
            raise
        self._finish()
        return self._outcome(resumed=resumed)

    # --- steps ------------------------------------------------------------------------------

    def _create_interview(self, uploader: Actor) -> None:
        data = self.upload.interview_data()
        self._send(
            CreateInterview(
                actor=uploader,
                command_id=self._command_id("create-interview"),
                correlation_id=self.correlation_id,
                interview_id=self.interview_id,
                project_id=self.project_id,
                title=data["title"],
                source_filename=data["source_filename"],
                content_sha256=data["content_sha256"],
                participants=tuple(data["participants"]),
                recorded_on=data["recorded_on"],
                metadata=data["metadata"],
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

    def _analyse(self, domain_keywords: tuple[str, ...]) -> None:
        """Record the first analysis of every sentence that lacks one."""
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
                self._record_analysis(sentences[index].id, utterances[index].text, result)
                done += 1
                self.progress("analysis", done, total)

    def _analysed_before(self, sentence: Sentence) -> bool:
        # Not `sentence.analysis is not None`: an expert may have cleared the first analysis,
        # and a re-run must not bring it back.
        if sentence.analysis is not None:
            return True
        event_id = derived_event_id(self._analysis_command_id(sentence.id), sentence.stream, 0)
        return self.repo.recorded(sentence, event_id) is not None

    def _record_analysis(self, sid: UUID, text: str, result: Analysis) -> None:
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
            values=result.values,
            confidence=result.confidence,
            analysed_text=text,
        )
        for attempt in range(ATTEMPTS):
            try:
                answer = self._send(command)
            except OutdatedAnalysis:
                # An expert edited the sentence while it was analysed; the re-analysis reaction
                # analyses the new text. Recording the old text's analysis would be wrong.
                return
            except StaleVersion:
                # Someone changed the sentence between our read and our append (a review, an
                # override): decide again on what the stream holds now.
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            except InvalidCommand as e:
                # The analyzer answered something the sentence refuses: its fault, not the data's.
                raise AnalyzerError(
                    f"the {analyzer.name} analyzer gave an invalid analysis: {e}"
                ) from e
            if not answer.already_recorded:
                self.recorded += 1
            return

    # --- status -----------------------------------------------------------------------------

    def _start(self) -> bool:
        """Move to processing; False if the interview is analysed already (nothing to do)."""
        return self._advance("processing", allowed_from={"uploaded", "failed"}, done={"analyzed"})

    def _finish(self) -> None:
        # Another run of the same upload may have failed meanwhile, though ours completed every
        # analysis; the interview is analysed all the same, through the legal path.
        self._advance("processing", allowed_from={"failed"}, done={"analyzed"})
        self._advance("analyzed", allowed_from={"processing"}, done=set())

    def _fail(self, reason: str, *, resumed: bool) -> IngestOutcome:
        reason = _reason(reason)
        self._advance("failed", allowed_from={"processing"}, done={"analyzed"}, reason=reason)
        return self._outcome(resumed=resumed, reason=reason)

    def _fail_quietly(self, reason: str) -> None:
        """Record the failure if the store still answers; the original error is what matters."""
        try:
            self._advance("failed", allowed_from={"processing"}, done={"analyzed"}, reason=reason)
        except Exception:
            log.exception("could not mark interview %s failed", self.interview_id)

    def _advance(
        self, to: str, *, allowed_from: set[str], done: set[str], reason: str | None = None
    ) -> bool:
        """Set the status to `to` if it is in `allowed_from`; True if it is `to` in the end.

        A status in `done` means another run got further: nothing to do, False. Any other
        status leaves things as they are (True: our caller carries on, as with `to`).
        """
        for _ in range(ATTEMPTS):
            status = self.repo.get(Interview, self.interview_id).status
            if status in done:
                return False
            if status == to or status not in allowed_from:
                return True
            command = ChangeInterviewStatus(
                actor=PIPELINE,
                correlation_id=self.correlation_id,
                interview_id=self.interview_id,
                to_status=to,
                reason=reason,
            )
            try:
                self._send(command)
                return True
            except StaleVersion:
                continue  # another run moved it meanwhile: look again
        raise RuntimeError(f"interview {self.interview_id} keeps changing status; try again later")

    # --- helpers ----------------------------------------------------------------------------

    def _send(self, command: Command) -> CommandResult:
        return handle(command, self.repo)

    def _command_id(self, step: str) -> UUID:
        return uuid5(self.interview_id, step)

    def _analysis_command_id(self, sid: UUID) -> UUID:
        return uuid5(sid, "initial-analysis")

    def _outcome(self, *, resumed: bool, reason: str | None = None) -> IngestOutcome:
        interview = self.repo.get(Interview, self.interview_id)
        return IngestOutcome(
            interview_id=self.interview_id,
            title=interview.title,
            status=interview.status or "",
            sentences=len(self.upload.segments),
            analyses_recorded=self.recorded,
            resumed=resumed,
            reason=reason,
        )


def _reason(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
