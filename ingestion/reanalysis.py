"""The re-analysis reaction: an edited sentence gets a fresh AI analysis of its new text.

It follows the log for SentenceEdited events. For each one it analyses the sentence's text as
it is now, with the context windows of its neighbours, and records AnalysisGenerated. Expert
overrides are untouched: they sit above the AI values in the sentence's effective values.

Delivery is at least once (the checkpoint is saved after the work), and handling is idempotent:
the command's id is the edit event's id, so the analysis event's id is derived from it and a
second handling of the same edit is a no-op. That also makes the edit the analysis event's
causation_id (docs/architecture.md, Events).
"""

import logging
from dataclasses import dataclass
from uuid import UUID

from analysis.context import analysis_request
from analysis.port import Analyzer, AnalyzerError, Utterance
from commands.aggregates import Project, Sentence, sentence_id
from commands.aggregates.base import derived_event_id
from commands.bus import handle
from commands.errors import OutdatedAnalysis, StaleVersion
from commands.messages import RecordAnalysis
from commands.repository import Repository
from commands.results import CommandResult
from events.dimensions import DIMENSIONS
from events.envelope import Actor, RecordedEvent
from events.store import EventFilter, EventStore, EventStoreUnavailable

log = logging.getLogger(__name__)

REACTION_NAME = "reanalyse-edited-sentences"
EDITS = EventFilter.of(event_types=["SentenceEdited"])
WIDEST_CONTEXT = max(spec.context for spec in DIMENSIONS.values())


def reanalyse_edited_sentence(
    edit: RecordedEvent, *, analyzer: Analyzer, store: EventStore
) -> CommandResult | None:
    """Record a new analysis for the sentence `edit` changed; None if there is nothing to do.

    Nothing to do when the sentence was edited again since (that later edit gets its own
    analysis) — so each text is analysed once. Raises AnalyzerError if the analyzer fails.
    """
    for attempt in range(3):
        repo = Repository(store)
        sentence = repo.get(Sentence, edit.aggregate_id)
        if sentence.text != edit.data["new_text"]:
            return None
        if repo.recorded(sentence, derived_event_id(edit.event_id, sentence.stream, 0)):
            return None  # handled before (the checkpoint lagged): no analyzer call to pay for
        project = repo.get(Project, _uuid(sentence.project_id))
        neighbours = _neighbourhood(repo, sentence)
        target = next(i for i, s in enumerate(neighbours) if s.id == sentence.id)
        utterances = [Utterance(s.text, s.speaker) for s in neighbours]
        request = analysis_request(utterances, target, project.domain_keywords)
        results = analyzer.analyze([request])
        if len(results) != 1:
            raise AnalyzerError(f"{len(results)} results for one sentence")
        command = RecordAnalysis(
            actor=Actor.ai(analyzer.name),
            command_id=edit.event_id,
            correlation_id=edit.correlation_id,
            sentence_id=sentence.id,
            analyzer=analyzer.name,
            model=analyzer.model,
            model_version=analyzer.model_version,
            prompt_version=analyzer.prompt_version,
            values=results[0].values,
            confidence=results[0].confidence,
            analysed_text=sentence.text,
        )
        try:
            return handle(command, repo)
        except OutdatedAnalysis:
            return None  # edited again meanwhile: that edit gets its own analysis
        except StaleVersion:
            # Someone changed the sentence while we analysed: look again (its text may differ).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _neighbourhood(repo: Repository, sentence: Sentence) -> list[Sentence]:
    """The sentence with its stored neighbours, up to the widest context window each side."""
    assert sentence.index is not None
    assert sentence.interview_id is not None
    found: list[Sentence] = []
    first = max(0, sentence.index - WIDEST_CONTEXT)
    for index in range(first, sentence.index + WIDEST_CONTEXT + 1):
        neighbour = repo.get(Sentence, sentence_id(sentence.interview_id, index))
        if not neighbour.exists:
            if index > sentence.index:
                break  # past the end of the interview
            continue
        found.append(neighbour)
    return found


def _uuid(value: UUID | None) -> UUID:
    assert value is not None  # every created sentence belongs to a project
    return value


@dataclass
class EditFollower:
    """Reads SentenceEdited events after a checkpoint and reacts to each.

    `process_batch` is one unit of work (healthchecks-style): handle what is there and report
    how many events were handled. The caller stores `position` wherever it keeps checkpoints.
    """

    store: EventStore
    analyzer: Analyzer
    position: int = 0
    batch_size: int = 100

    def process_batch(self) -> int:
        """Handle the next edits; 0 when caught up. Raises AnalyzerError if it is retryable
        (the caller waits and tries again from the same position)."""
        edits = self.store.read_all(after=self.position, filter=EDITS, limit=self.batch_size)
        for edit in edits:
            try:
                reanalyse_edited_sentence(edit, analyzer=self.analyzer, store=self.store)
            except AnalyzerError as e:
                if e.retryable:
                    raise
                self._give_up(edit, e)
            except EventStoreUnavailable:
                raise  # an outage: wait and come back to this very edit
            except Exception as e:
                # Anything else would fail again on every retry and hold up all later edits.
                self._give_up(edit, e)
            self.position = edit.position
        return len(edits)

    def _give_up(self, edit: RecordedEvent, error: Exception) -> None:
        # The sentence keeps its earlier analysis, which the read model shows as stale; an
        # expert can still override or clear it. Blocking every later edit would be worse.
        log.error(
            "no new analysis for %s after edit %s (position %d): %r",
            edit.stream,
            edit.event_id,
            edit.position,
            error,
        )
