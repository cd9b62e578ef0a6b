"""A deterministic, realistic event history, built through the command handlers.

`build_workload(store, seed=..., ...)` runs the pipeline's and the experts' commands against a
real store: projects, interviews going through their statuses, sentences created round-robin
across interviews (so the log interleaves them, as concurrent uploads do), AI analyses with
varied values, then a random mix of human corrections by the cast, each with the version the
expert saw. Every event type of docs/architecture.md, Events appears. The same seed gives the same
choices, ids and lanes; sizes are parameters ("a few thousand events" builds in a few seconds on
SQLite).

It also runs in a child process against a shared database (`BUILD_IN_CHILD`).
"""

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from commands.aggregates import Interview, Sentence
from commands.aggregates import sentence_id as sentence_id_of
from commands.bus import handle
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    Command,
    ConfirmSentence,
    EditSentence,
    OverrideAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.repository import Repository
from commands.results import CommandResult
from events.dimensions import DIMENSIONS
from events.envelope import Actor, NewEvent, RecordedEvent
from events.store import NO_STREAM, EventStore
from tests.commands.builders import (
    OWNER,
    PIPELINE,
    PROJECT_KEYWORDS,
    REVIEWER,
    SECOND_REVIEWER,
    create_interview_command,
    create_project_command,
    create_sentence_command,
    record_analysis_command,
    sha256,
)

EXPERTS: tuple[Actor, ...] = (OWNER, REVIEWER, SECOND_REVIEWER)
SINGLE_LABELS: dict[str, tuple[str, ...]] = {
    d.value: spec.labels for d, spec in DIMENSIONS.items() if not spec.multi and spec.labels
}
KEYWORDS = ("ticket tracking", "release train", "sprint review", "on-call rota", "test data")
WORDS = ("we", "track", "every", "ticket", "in", "the", "board", "and", "nobody", "reads", "it")
HUMAN_ACTIONS = ("edit", "override", "revert", "clear", "confirm", "reanalyse")
SENTENCE_EVENT_TYPES = frozenset(
    {
        "SentenceCreated",
        "SentenceEdited",
        "AnalysisGenerated",
        "AnalysisOverridden",
        "AnalysisOverrideReverted",
        "AnalysisCleared",
        "SentenceReviewed",
    }
)
SPEC_3_EVENT_TYPES = SENTENCE_EVENT_TYPES | {
    "ProjectCreated",
    "ProjectUpdated",
    "InterviewCreated",
    "InterviewMetadataUpdated",
    "InterviewStatusChanged",
}

# For `manage.py shell -c`: build a workload in the child's database, print its head position
# and its number of events.
BUILD_IN_CHILD = (
    "from events.wiring import get_event_store;"
    "from tests.projections.workload import build_workload;"
    "w = build_workload(get_event_store(), seed={seed}, **{sizes!r});"
    "print(w.head, w.events)"
)


@dataclass
class Workload:
    project_ids: list[uuid.UUID] = field(default_factory=list)
    interview_ids: list[uuid.UUID] = field(default_factory=list)
    sentence_ids: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    archived_ids: set[uuid.UUID] = field(default_factory=set)  # read-only for people
    head: int = 0  # the position of the last event appended
    events: int = 0  # how many were appended (positions need not be contiguous)

    @property
    def all_sentence_ids(self) -> list[uuid.UUID]:
        return [s for sentences in self.sentence_ids.values() for s in sentences]


class WorkloadBuilder:
    """One repository and one seeded random source for the whole history."""

    def __init__(self, store: EventStore, seed: int) -> None:
        self.repo = Repository(store)
        self.rng = random.Random(seed)
        self.seed = seed
        self.workload = Workload()

    def run(self, command: Command) -> CommandResult:
        result = handle(command, self.repo)
        self.workload.head = max(self.workload.head, result.position)
        if not result.already_recorded:
            self.workload.events += len(result.event_ids)
        return result

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def text(self, words: int = 6) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    # --- the pipeline -------------------------------------------------------------------------

    def projects(self, count: int) -> None:
        for n in range(count):
            command = create_project_command(f"study-{self.seed}-{n}", name=f"Study {n}")
            self.workload.project_ids.append(self.run(command).aggregate_id)

    def interviews(self, per_project: int) -> None:
        for project_id in self.workload.project_ids:
            for n in range(per_project):
                title = f"Interview {n} of {project_id.hex[:6]}"
                command = create_interview_command(
                    project_id,
                    interview_id=self.new_id(),
                    title=title,
                    content_sha256=sha256(title),
                    metadata={"round": n},
                )
                interview_id = self.run(command).aggregate_id
                self.workload.interview_ids.append(interview_id)
                self.workload.sentence_ids[interview_id] = []
                self.status(interview_id, "processing")

    def sentences(self, per_interview: int) -> None:
        """Round-robin over the interviews, as concurrent uploads interleave in the log."""
        for index in range(per_interview):
            for interview_id in self.workload.interview_ids:
                text = self.text()
                command = create_sentence_command(
                    interview_id,
                    index=index,
                    text=text,
                    speaker=self.rng.choice(("Maya", "Interviewer", None)),
                    start_char=index * 100,
                    end_char=index * 100 + len(text),
                    start_ms=index * 4000 if index % 2 else None,
                    end_ms=index * 4000 + 3000 if index % 2 else None,
                )
                self.workload.sentence_ids[interview_id].append(self.run(command).aggregate_id)

    def analyses(self) -> None:
        sentence_ids = self.workload.all_sentence_ids
        self.rng.shuffle(sentence_ids)
        for sentence_id in sentence_ids:
            self.analyse(sentence_id)

    def analyse(self, sentence_id: uuid.UUID) -> None:
        values: dict[str, Any] = {n: self.rng.choice(labels) for n, labels in SINGLE_LABELS.items()}
        values["overall_keywords"] = self.rng.sample(KEYWORDS, self.rng.randint(0, 3))
        values["domain_keywords"] = self.rng.sample(PROJECT_KEYWORDS, self.rng.randint(0, 2))
        confidence = {name: round(self.rng.random(), 3) for name in values}
        self.run(
            record_analysis_command(
                sentence_id,
                values=values,
                confidence=confidence,
                model_version=str(self.rng.randint(1, 3)),
            )
        )

    def finish_processing(self) -> None:
        """Most interviews end analysed; every fifth fails once and is re-run first."""
        for n, interview_id in enumerate(self.workload.interview_ids):
            if n % 5 == 1:
                self.status(interview_id, "failed", reason="the analyzer timed out")
                self.status(interview_id, "processing", reason="re-run")
            self.status(interview_id, "analyzed")

    def status(self, interview_id: uuid.UUID, to_status: str, reason: str | None = None) -> None:
        self.run(
            ChangeInterviewStatus(
                actor=PIPELINE, interview_id=interview_id, to_status=to_status, reason=reason
            )
        )

    # --- the experts --------------------------------------------------------------------------

    def metadata_changes(self) -> None:
        """A project renamed (and its keyword list grown), an interview retitled, one archived."""
        project_id = self.workload.project_ids[0]
        self.run(
            UpdateProject(
                actor=OWNER,
                project_id=project_id,
                expected_version=0,
                name="Study 0, renamed",
                domain_keywords=(*PROJECT_KEYWORDS, "Confluence"),
            )
        )
        first, last = self.workload.interview_ids[0], self.workload.interview_ids[-1]
        self.run(
            UpdateInterviewMetadata(
                actor=OWNER,
                interview_id=first,
                expected_version=self.version_of(Interview, first),
                title="Interview with Maya, retitled",
                participants=("Maya", "Ade"),
            )
        )
        self.run(
            ChangeInterviewStatus(
                actor=OWNER,
                interview_id=last,
                to_status="archived",
                reason="study closed",
                expected_version=self.version_of(Interview, last),
            )
        )
        self.workload.archived_ids.add(last)

    def human_commands(self, count: int) -> None:
        sentence_ids = self.workload.all_sentence_ids
        for _ in range(count):
            self.human_command(self.rng.choice(sentence_ids))

    def human_command(self, sentence_id: uuid.UUID) -> None:
        sentence = self.repo.get(Sentence, sentence_id)
        assert sentence.version is not None
        assert sentence.interview_id is not None
        # An archived interview is read-only for people: only the pipeline may still write.
        archived = self.repo.get(Interview, sentence.interview_id).status == "archived"
        possible = [
            a for a in HUMAN_ACTIONS if self.can(a, sentence) and (a == "reanalyse" or not archived)
        ]
        action = self.rng.choice(possible)
        if action == "reanalyse":
            self.analyse(sentence_id)
            return
        expert = self.rng.choice(EXPERTS)
        seen = {"actor": expert, "sentence_id": sentence_id, "expected_version": sentence.version}
        reason = f"{action} by {expert.display}"
        match action:
            case "edit":
                command: Command = EditSentence(
                    **seen, new_text=f"{sentence.text} {self.rng.choice(WORDS)}", reason=reason
                )
            case "override":
                command = OverrideAnalysis(
                    **seen, fields=self.override_fields(sentence), reason=reason
                )
            case "revert":
                fields = self.rng.sample(sorted(sentence.overrides), 1)
                command = RevertOverride(**seen, fields=tuple(fields), reason=reason)
            case "clear":
                command = ClearAnalysis(**seen, reason=reason)
            case _:
                command = ConfirmSentence(**seen, note=self.rng.choice((None, "checked")))
        self.run(command)

    @staticmethod
    def can(action: str, sentence: Sentence) -> bool:
        match action:
            case "revert":
                return bool(sentence.overrides)
            case "clear":
                return sentence.analysis is not None
            case "confirm":  # a sentence without values has nothing to confirm
                return not sentence.confirmed and bool(sentence.effective_values())
        return True

    def override_fields(self, sentence: Sentence) -> dict[str, str]:
        effective = sentence.effective_values()
        names = self.rng.sample(sorted(SINGLE_LABELS), self.rng.randint(1, 2))
        return {
            name: self.rng.choice([v for v in SINGLE_LABELS[name] if v != effective.get(name)])
            for name in names
        }

    def version_of(self, cls: type[Interview], aggregate_id: uuid.UUID) -> int:
        version = self.repo.get(cls, aggregate_id).version
        assert version is not None
        return version


def build_workload(
    store: EventStore,
    *,
    seed: int = 0,
    projects: int = 2,
    interviews: int = 2,
    sentences: int = 5,
    human_commands: int = 40,
) -> Workload:
    """`projects` x `interviews` interviews of `sentences` sentences each, then the experts."""
    builder = WorkloadBuilder(store, seed)
    builder.projects(projects)
    builder.interviews(interviews)
    builder.sentences(sentences)
    builder.analyses()
    builder.finish_processing()
    builder.metadata_changes()
    builder.human_commands(human_commands)
    return builder.workload


def event_types(store: EventStore) -> set[str]:
    return {event.event_type for event in store.read_all()}


def confirm(store: EventStore, sentence_id: uuid.UUID, note: str) -> CommandResult:
    """A reviewer confirms a sentence at the version it is at: one more event past the head."""
    command = ConfirmSentence(
        actor=REVIEWER,
        sentence_id=sentence_id,
        expected_version=store.current_version(f"Sentence-{sentence_id}"),
        note=note,
    )
    return handle(command, Repository(store))


def append_orphan_edit(
    store: EventStore, interview_id: uuid.UUID, project_id: uuid.UUID, *, index: int = 99
) -> RecordedEvent:
    """A poison the catalogue accepts but a projector cannot apply: an edit of sentence
    `index` of the interview, which was never created, appended straight to the store."""
    data = {
        "interview_id": str(interview_id),
        "project_id": str(project_id),
        "old_text": "What was said.",
        "new_text": "What was meant.",
        "reason": "typo",
    }
    cause = uuid.uuid4()
    orphan = NewEvent("SentenceEdited", data, REVIEWER, correlation_id=cause, causation_id=cause)
    stream = f"Sentence-{sentence_id_of(interview_id, index)}"
    position = store.append(stream, [orphan], NO_STREAM).position
    return store.read_all(after=position - 1, limit=1)[0]
