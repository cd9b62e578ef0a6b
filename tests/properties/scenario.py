"""One example from start to end: the steps run against the world, each checked as it runs, then
the property itself (catch up, compare with the write side, replay, compare digests)."""

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from io import StringIO
from typing import Any
from uuid import UUID

from django.core.management import call_command
from hypothesis import currently_in_test_context, event, note

from analysis.heuristic import HeuristicAnalyzer
from commands import messages
from commands.aggregates import (
    Aggregate,
    Interview,
    Project,
    Sentence,
)
from commands.bus import dispatch
from commands.errors import InterviewArchived, NothingToConfirm, StaleVersion
from commands.results import CommandResult
from events.envelope import ActorType, RecordedEvent
from events.store import EventStore
from events.wiring import get_event_store
from graph.digest import (
    effective_line,
    graph_effective_digest,
    graph_effective_lines,
    relational_effective_digest,
    relational_effective_lines,
)
from ingestion.reanalysis import EditFollower
from projections.lanes import lane_of
from projections.models import ParkedEvent
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel import models as rm
from tests.graph.helpers import make_graph_runner
from tests.graph.helpers import rows as rows_of
from tests.projections.helpers import make_runner
from tests.projections.workload import EXPERTS, WORDS, WorkloadBuilder
from tests.properties.pages import (
    NEW_KEYWORDS,
    OFFERED,
    Page,
    new_details,
    override_fields,
    read_page,
)
from tests.properties.steps import (
    Advance,
    Correct,
    Look,
    Manage,
    React,
    Reanalyse,
    Setup,
    Step,
)
from tests.properties.world import World, rolled_back

RUNNERS: dict[str, Callable[..., ProjectionRunner]] = {
    "relational": make_runner,
    "graph": make_graph_runner,
}


# --- facts compared between the read model and the write side ------------------------------------


def row_facts(row: rm.Project | rm.Interview | rm.Sentence) -> dict[str, Any]:
    match row:
        case rm.Project():
            return {"name": row.name, "slug": row.slug, "keywords": list(row.domain_keywords)}
        case rm.Interview():
            names = ("project_id", "title", "language", "participants", "recorded_on", "status")
            return {name: getattr(row, name) for name in names}
        case _:
            return {
                "text": row.text,
                "original_text": row.original_text,
                "edited": row.edited,
                "ai_values": row.ai_values,
                "overrides": row.overrides,
                "effective": row.effective,
                "reviewed": row.reviewed,
                "stale": row.stale_analysis,
            }


def aggregate_facts(aggregate: Aggregate, stale: bool) -> dict[str, Any]:
    match aggregate:
        case Project():
            return {
                "name": aggregate.name,
                "slug": aggregate.slug,
                "keywords": list(aggregate.domain_keywords),
            }
        case Interview():
            return {
                "project_id": aggregate.project_id,
                "title": aggregate.title,
                "language": aggregate.language,
                "participants": list(aggregate.participants),
                "recorded_on": aggregate.recorded_on,
                "status": aggregate.status,
            }
        case Sentence():
            return {
                "text": aggregate.text,
                "original_text": aggregate.original_text,
                "edited": aggregate.edited,
                "ai_values": aggregate.analysis.values if aggregate.analysis else None,
                "overrides": aggregate.overrides,
                "effective": aggregate.effective_values(),
                "reviewed": aggregate.confirmed,
                "stale": stale,
            }
    raise TypeError(aggregate)


def effective_line_of(sentence: Sentence, stale: bool) -> str:
    """The line graph.digest compares the two read models by, as the write side implies it."""
    assert sentence.index is not None  # set by SentenceCreated
    return effective_line(
        sentence_id=str(sentence.id),
        interview_id=str(sentence.interview_id),
        index=sentence.index,
        speaker=sentence.speaker,
        text=sentence.text,
        effective=sentence.effective_values(),
        edited=sentence.edited,
        overridden=bool(sentence.overrides),
        reviewed=sentence.confirmed,
        stale=stale,
    )


AGGREGATES: dict[type[rm.Project | rm.Interview | rm.Sentence], type[Aggregate]] = {
    rm.Project: Project,
    rm.Interview: Interview,
    rm.Sentence: Sentence,
}


def read_model_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the relational read model, to show which one differs when digests do."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in AGGREGATES}


# --- one example ---------------------------------------------------------------------------------


class Scenario:
    """Runs the steps of one example against its world and checks each; `finish` checks the
    property itself."""

    def __init__(
        self, store: EventStore, world: World, projections: Sequence[str], lanes: int
    ) -> None:
        self.store = store
        self.world = world
        self.projections = tuple(projections)
        self.lanes = lanes
        # The AI's re-analyses: values from a seeded source, so an example replays exactly.
        self.ai = WorkloadBuilder(store, seed=0)
        self.reaction = EditFollower(store, HeuristicAnalyzer())
        self.pages: list[dict[UUID, Page]] = [{} for _ in EXPERTS]
        self.streams: dict[str, list[RecordedEvent]] = defaultdict(list)
        self.head = 0
        self.checkpoints: dict[str, dict[int, int]] = {name: {} for name in self.projections}
        self.lanes_in_use = sorted({lane_of(key, lanes) for key in world.blocking_keys})
        self.outcomes: Counter[str] = Counter()
        self.take_new_events()  # the world's own

    def start(self, head_start: int) -> None:
        """The projections apply the first `head_start` events, then the experts arrive and
        open every interview's page that the read model has by then."""
        if head_start:
            for name in self.projections:
                self.advance(Advance(name, batch=head_start, lanes=0))
        for actor in range(len(EXPERTS)):
            for interview in range(len(self.world.interview_ids)):
                self.look(Look(actor, interview))

    def run(self, step: Step) -> None:
        match step:
            case Look():
                self.look(step)
            case Correct():
                self.correct(step)
            case Manage():
                self.manage(step)
            case Reanalyse():
                self.reanalyse(step)
            case React():
                self.react(step)
            case Advance():
                self.advance(step)
        # Whatever the step was, nothing it appended may leave a gap in a stream.
        self.take_new_events()

    def tally(self, outcome: str) -> None:
        self.outcomes[outcome] += 1
        if currently_in_test_context():  # not in the scripted test, which runs without Hypothesis
            event(outcome)  # --hypothesis-show-statistics shows how often each happened

    # --- the experts ----------------------------------------------------------------------------

    def look(self, step: Look) -> None:
        interview_id = self.world.interview_ids[step.interview % len(self.world.interview_ids)]
        page = read_page(interview_id)
        if page is None:
            self.pages[step.actor].pop(interview_id, None)  # the page is not found (yet)
        else:
            self.pages[step.actor][interview_id] = page

    def correct(self, step: Correct) -> None:
        # The expert picks among the sentences on their open pages that offer the action (as
        # the review page's filters do: overridden, unreviewed…), as they saw them.
        offered = [
            (page, seen)
            for page in self.open_pages(step.actor)
            for seen in page.sentences.values()
            if OFFERED[step.action](seen)
        ]
        if not offered:
            self.tally(f"no-op: nothing to {step.action}")
            return
        page, seen = offered[step.sentence % len(offered)]
        at = {
            "actor": EXPERTS[step.actor],
            "sentence_id": seen.id,
            "expected_version": seen.version,
        }
        reason = f"{step.action} #{step.pick}"
        command: messages.Command
        match step.action:
            case "edit":
                word = WORDS[step.pick % len(WORDS)]
                command = messages.EditSentence(**at, new_text=f"{seen.text} {word}", reason=reason)
            case "override":
                fields = override_fields(seen, page.keywords, step.pick)
                command = messages.OverrideAnalysis(**at, fields=fields, reason=reason)
            case "revert":
                names = sorted(seen.overrides)
                name = names[step.pick % len(names)]
                command = messages.RevertOverride(**at, fields=(name,), reason=reason)
            case "clear":
                command = messages.ClearAnalysis(**at, reason=reason)
            case _:
                remark = None if step.pick % 2 else f"checked #{step.pick}"
                command = messages.ConfirmSentence(**at, note=remark)
        self.send(command, f"Sentence-{seen.id}", seen.version)

    def manage(self, step: Manage) -> None:
        pages = self.open_pages(step.actor)
        if not pages:
            self.tally("no-op: no page open")
            return
        page = pages[step.interview % len(pages)]
        interview = page.interview_id
        actor = EXPERTS[step.actor]
        reason = f"{step.action} #{step.pick}"
        on_interview = {"actor": actor, "interview_id": interview, "expected_version": page.version}
        on_project = {
            "actor": actor,
            "project_id": page.project_id,
            "expected_version": page.project_version,
        }
        keyword = NEW_KEYWORDS[step.pick % len(NEW_KEYWORDS)]
        command: messages.Command
        match step.action:
            case "retitle":
                title = f"{page.title} (rev {step.pick})"
                command = messages.UpdateInterviewMetadata(**on_interview, title=title)
            case "details":
                command = messages.UpdateInterviewMetadata(
                    **on_interview, **new_details(page, step.pick)
                )
            case "archive" if page.status != "archived":
                command = messages.ChangeInterviewStatus(
                    **on_interview, to_status="archived", reason=reason
                )
            case "rename":
                name = f"{page.project_name} ({step.pick})"
                command = messages.UpdateProject(**on_project, name=name)
            case "keyword" if keyword.lower() not in {k.lower() for k in page.keywords}:
                keywords = (*page.keywords, keyword)
                command = messages.UpdateProject(**on_project, domain_keywords=keywords)
            case _:
                self.tally(f"no-op: nothing to {step.action}")
                return
        if isinstance(command, messages.UpdateProject):
            self.send(command, f"Project-{page.project_id}", page.project_version)
        else:
            self.send(command, f"Interview-{interview}", page.version)

    def open_pages(self, actor: int) -> list[Page]:
        """The pages the expert has open, in the world's order; sentences in index order."""
        pages = self.pages[actor]
        return [pages[i] for i in self.world.interview_ids if i in pages]

    def send(self, command: messages.Command, stream: str, seen: int) -> None:
        """Dispatch a human command made from what the expert saw: at the stream's current
        version it must be accepted and append contiguous events; at a stale one it must end
        in StaleVersion and append nothing."""
        current = self.store.current_version(stream)
        assert current is not None
        assert current == self.streams[stream][-1].version
        answer: CommandResult | StaleVersion
        try:
            answer = dispatch(command, self.store)
        except StaleVersion as conflict:
            answer = conflict
        except (InterviewArchived, NothingToConfirm) as refused:
            # The page was read before the interview was archived or the analysis cleared:
            # refused as a whole, whatever the version.
            refusal = type(refused).__name__
            new = self.take_new_events()
            assert new == [], f"a refused command ({refusal}) appended {new}"
            self.tally(f"refused: {refusal}")
            return
        new = self.take_new_events()
        if isinstance(answer, StaleVersion):
            assert seen != current, f"{command} at the current version {current} was refused"
            assert new == [], f"a refused command appended {new}"
            assert answer.current_version == current
            unseen = [e.version for e in answer.unseen_events]
            assert unseen == list(range(seen + 1, current + 1))
            self.tally(f"conflict: {type(command).__name__}")
            return
        assert seen == current, f"{command} was accepted at version {seen}, stream at {current}"
        assert not answer.already_recorded
        assert [e.stream for e in new] == [stream] * len(new)
        assert [e.version for e in new] == list(range(current + 1, answer.version + 1))
        assert tuple(e.event_id for e in new) == answer.event_ids
        assert {e.event_type for e in new} == {command.records}
        assert all(e.actor == command.actor and e.causation_id == command.command_id for e in new)
        self.tally(f"accepted: {type(command).__name__}")

    # --- the system ---------------------------------------------------------------------------

    def reanalyse(self, step: Reanalyse) -> None:
        sentence = self.world.sentence_ids[step.sentence % len(self.world.sentence_ids)]
        self.ai.analyse(sentence)
        new = self.take_new_events()
        assert [(e.stream, e.event_type) for e in new] == [
            (f"Sentence-{sentence}", "AnalysisGenerated")
        ]
        self.tally("reanalysed")

    def react(self, step: React) -> None:
        self.reaction.batch_size = step.edits
        self.reaction.process_batch()
        for analysis in self.take_new_events():
            # Each is a new analysis of an edited text, caused by the edit it answers.
            assert analysis.event_type == "AnalysisGenerated"
            assert analysis.actor.type is ActorType.AI
            stream = self.streams[analysis.stream]
            edits = {e.event_id for e in stream if e.event_type == "SentenceEdited"}
            assert analysis.causation_id in edits
            self.tally("reaction: reanalysed an edit")

    def advance(self, step: Advance) -> None:
        chosen = [lane for n, lane in enumerate(self.lanes_in_use) if step.lanes >> n & 1]
        runner = RUNNERS[step.projection](
            self.store,
            lanes=self.lanes,
            batch_size=step.batch,
            only_lanes=frozenset(chosen) if chosen else None,
        )
        runner.process_batch()
        before, after = self.checkpoints[step.projection], runner.projection.stored_checkpoints()
        moved_back = {lane for lane, position in before.items() if after.get(lane, 0) < position}
        assert not moved_back, f"{step.projection} checkpoints moved back: {before} -> {after}"
        self.checkpoints[step.projection] = after
        if step.projection == "relational":
            self.check_read_model(complete=False)
        else:
            self.check_graph(complete=False)

    # --- the checks ---------------------------------------------------------------------------

    def take_new_events(self) -> list[RecordedEvent]:
        """The events appended since the last call; every stream's versions stay 0, 1, 2…"""
        new = self.store.read_all(after=self.head)
        for e in new:
            expected = len(self.streams[e.stream])
            assert e.version == expected, f"{e.stream}: version {e.version}, expected {expected}"
            self.streams[e.stream].append(e)
            self.head = e.position
        return new

    def write_side(
        self, cls: type[Aggregate], aggregate_id: UUID, version: int
    ) -> tuple[Aggregate, bool]:
        """The aggregate as it was at `version`, rebuilt from its stream, and whether a
        sentence's analysis was stale then: its text edited after the analysis was made (the
        read models keep that flag beside the aggregate's state; the review page marks it)."""
        aggregate = cls(id=aggregate_id)
        stale = False
        for e in self.streams[f"{cls.aggregate_type}-{aggregate_id}"][: version + 1]:
            aggregate.replay(e)
            if e.event_type == "SentenceEdited":
                stale = isinstance(aggregate, Sentence) and aggregate.analysis is not None
            elif e.event_type in ("AnalysisGenerated", "AnalysisCleared"):
                stale = False
        return aggregate, stale

    def last_versions(self, aggregate_type: str) -> dict[str, int]:
        prefix = f"{aggregate_type}-"
        return {
            stream.removeprefix(prefix): events[-1].version
            for stream, events in self.streams.items()
            if stream.startswith(prefix)
        }

    def check_read_model(self, *, complete: bool) -> None:
        """Every row shows what its aggregate was at the row's version — the read model may lag,
        never differ — and every interview's counters count its sentence rows. `complete`: every
        aggregate has a row, at its stream's last version."""
        for model, cls in AGGREGATES.items():
            versions: dict[str, int] = {}
            for row in model.objects.all():
                versions[str(row.pk)] = row.version
                aggregate, stale = self.write_side(cls, row.pk, row.version)
                assert row_facts(row) == aggregate_facts(aggregate, stale), (
                    f"{cls.aggregate_type}-{row.pk} at version {row.version}"
                )
            if complete:
                assert versions == self.last_versions(cls.aggregate_type)
        sentences = list(rm.Sentence.objects.all())
        for interview in rm.Interview.objects.all():
            mine = [s for s in sentences if s.interview_id == interview.id]
            counted = {
                "sentence_count": len(mine),
                "analyzed_count": sum(s.ai_values is not None for s in mine),
                "edited_count": sum(s.edited for s in mine),
                "overridden_count": sum(s.overridden for s in mine),
                "reviewed_count": sum(s.reviewed for s in mine),
                "stale_count": sum(s.stale_analysis for s in mine),
            }
            assert {name: getattr(interview, name) for name in counted} == counted

    def check_graph(self, *, complete: bool) -> None:
        """Every sentence node shows its sentence's effective values (as links) and flags as
        they were at the node's version. `complete`: every sentence has a node, at its last
        version."""
        found = rows_of(
            "MATCH (s:Sentence) WHERE s.version IS NOT NULL"
            " RETURN s.sentence_id AS id, s.version AS version"
        )
        versions = {row["id"]: row["version"] for row in found}
        for line in graph_effective_lines():
            node = json.loads(line)[0]  # effective_line starts with the sentence id
            sentence, stale = self.write_side(Sentence, UUID(node), versions[node])
            assert isinstance(sentence, Sentence)
            assert line == effective_line_of(sentence, stale), f"Sentence-{node}"
        if complete:
            assert versions == self.last_versions("Sentence")

    def finish(self, replayed: Sequence[str]) -> None:
        """The property: caught up, the read models show the write side's values, the graph
        holds the relational model's effective values, and each projection of `replayed`
        equals its replay from event 0."""
        for name in self.projections:
            RUNNERS[name](self.store, lanes=self.lanes, batch_size=1000).catch_up()
        self.check_read_model(complete=True)
        if "graph" in self.projections:
            self.check_graph(complete=True)
        assert not ParkedEvent.objects.exists(), list(ParkedEvent.objects.values())
        if "graph" in self.projections:
            # Line by line first: a failure shows the sentence.
            assert list(graph_effective_lines()) == list(relational_effective_lines())
            assert graph_effective_digest() == relational_effective_digest()
        live_rows = read_model_rows() if "relational" in replayed else None
        live = {name: get_projection(name).digest() for name in replayed}
        for name in replayed:
            out = StringIO()
            call_command("replay", name, "--yes", stdout=out)
            assert out.getvalue().strip().endswith(" 0 parked"), out.getvalue()
        if live_rows is not None:
            assert read_model_rows() == live_rows  # row by row first: a failure shows the row
        assert {name: get_projection(name).digest() for name in replayed} == live


def play(
    world: World,
    setup: Setup,
    steps: Sequence[Step],
    projections: Sequence[str],
    *,
    replayed: Sequence[str] | None = None,
) -> Scenario:
    """One example from start to end, the projections built live then `replayed` (default:
    all of them) compared with their replays; the database writes are rolled back afterwards."""
    if currently_in_test_context():
        # Hypothesis' own report of a failing example prints its arguments blank under this
        # pytest (its pretty-printer loses the values); a note is printed with the report.
        listed = "".join(f"\n    {step!r}," for step in steps)
        note(f"setup={setup!r}, steps=[{listed}\n]")
    with rolled_back():
        scenario = Scenario(get_event_store(), world, projections, setup.lanes)
        scenario.start(setup.head_start)
        for step in steps:
            scenario.run(step)
        scenario.finish(projections if replayed is None else replayed)
    return scenario
