"""Every event type lands in the graph (docs/architecture.md, Events; Projections): nodes,
properties, and the dimension links by EFFECTIVE value — an override moves a link, a revert moves it
back, clearing the analysis removes the AI's links (docs/architecture.md, Standing rule 4: overrides
never reached the replaced graph).

Events are made by the command handlers and applied by the real runner; the tests read the
graph back with Cypher.
"""

import datetime as dt
import json
from typing import Any
from uuid import UUID

import pytest

from commands.bus import handle
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    ConfirmSentence,
    EditSentence,
    OverrideAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.results import CommandResult
from events.catalogue import CATALOGUE
from events.sql_store import SqlEventStore
from projections.lanes import lane_of
from tests.commands.builders import (
    AI_VALUES,
    OWNER,
    PIPELINE,
    PROJECT_KEYWORDS,
    REVIEWER,
    World,
    build_world,
    create_sentence_command,
    record_analysis_command,
)
from tests.graph.helpers import (
    analysis_node,
    chain,
    links,
    make_graph_runner,
    node,
    rows,
    sentence_node,
    value,
)
from tests.projections.helpers import LANES
from tests.projections.workload import event_types

pytestmark = pytest.mark.django_db

TOPICS = {"topic_level_1": "pain points", "topic_level_3": "strategy"}
CONFIDENCE = {"function_type": 0.9, "purpose": 0.5, "topic_level_1": 0.4, "topic_level_3": 0.7}
AI_LINKS = {
    ("HAS_FUNCTION_TYPE", None, "FunctionType", "declarative"),
    ("HAS_STRUCTURE_TYPE", None, "StructureType", "simple"),
    ("HAS_PURPOSE", None, "Purpose", "Statement"),
    ("HAS_TOPIC", 1, "Topic", "tools"),
    ("HAS_TOPIC", 3, "Topic", "tools"),
    ("MENTIONS_KEYWORD", None, "Keyword", "ticket tracking"),
    ("MENTIONS_DOMAIN_KEYWORD", None, "DomainKeyword", "Jira"),
}


@pytest.fixture
def world() -> World:
    """A project, an interview and an analysed sentence, projected into the graph."""
    world = build_world(SqlEventStore())
    make_graph_runner(world.store).catch_up()
    return world


def run(world: World, command: Any) -> CommandResult:
    """Handle `command`, then let the graph projection catch up."""
    result = handle(command, world.repo)
    runner = make_graph_runner(world.store)
    runner.catch_up()
    assert runner.parked == 0
    return result


def expert(world: World, command_type: type, **fields: Any) -> CommandResult:
    """An expert's command on the world's sentence, at the version they see."""
    version = world.version("Sentence", world.sentence_id)
    command = command_type(
        actor=REVIEWER, sentence_id=world.sentence_id, expected_version=version, **fields
    )
    return run(world, command)


def analyse(world: World, **fields: Any) -> CommandResult:
    return run(world, record_analysis_command(world.sentence_id, **fields))


def sentence(world: World) -> dict[str, Any]:
    found = sentence_node(world.sentence_id)
    assert found is not None
    return found


def project(world: World) -> dict[str, Any]:
    found = node("Project", "project_id", world.project_id)
    assert found is not None
    return found


def interview(world: World) -> dict[str, Any]:
    found = node("Interview", "interview_id", world.interview_id)
    assert found is not None
    return found


def replaced(link_set: set, relationship: str, level: int | None, name: str) -> set:
    """`link_set` with the link of (relationship, level) pointing at `name` instead."""
    (old,) = [link for link in link_set if link[:2] == (relationship, level)]
    return (link_set - {old}) | {(relationship, level, old[2], name)}


class TestProjects:
    def test_it_keeps_a_projects_id_slug_name_keywords_and_version(self, world):
        created = world.store.read_stream(f"Project-{world.project_id}")[0]

        assert project(world) == {
            "project_id": str(world.project_id),
            "slug": created.data["slug"],
            "name": "Tooling study",
            "domain_keywords": list(PROJECT_KEYWORDS),
            "version": 0,
        }

    def test_it_follows_a_rename_and_a_new_keyword_list(self, world):
        keywords = (*PROJECT_KEYWORDS, "Confluence")
        command = UpdateProject(
            actor=OWNER,
            project_id=world.project_id,
            expected_version=0,
            name="Tooling study, phase 2",
            domain_keywords=keywords,
        )
        run(world, command)

        found = project(world)
        assert (found["name"], found["domain_keywords"], found["version"]) == (
            "Tooling study, phase 2",
            list(keywords),
            1,
        )


class TestInterviews:
    def test_it_keeps_an_interview_in_its_project(self, world):
        found = interview(world)

        assert {k: found[k] for k in ("project_id", "title", "status", "blocked", "version")} == {
            "project_id": str(world.project_id),
            "title": "Interview with Maya",
            "status": "uploaded",
            "blocked": False,
            "version": 0,
        }
        assert (found["source_filename"], found["participants"]) == (
            "maya.txt",
            ["Maya", "Interviewer"],
        )
        assert value(
            "MATCH (p:Project)-[:CONTAINS_INTERVIEW]->(:Interview {interview_id: $id})"
            " RETURN p.project_id",
            id=str(world.interview_id),
        ) == str(world.project_id)

    def test_it_follows_a_metadata_update(self, world):
        command = UpdateInterviewMetadata(
            actor=OWNER,
            interview_id=world.interview_id,
            expected_version=0,
            title="Maya, second session",
            participants=("Maya",),
            recorded_on=dt.date(2025, 3, 4),
        )
        run(world, command)

        found = interview(world)
        assert (found["title"], found["participants"], found["recorded_on"]) == (
            "Maya, second session",
            ["Maya"],
            "2025-03-04",
        )
        assert found["version"] == 1

    def test_it_reads_the_new_status_from_to_status(self, world):
        """docs/architecture.md, Standing rule 4: the replaced system's status handler read the
        wrong field name."""
        for to_status in ("processing", "failed"):
            command = ChangeInterviewStatus(
                actor=PIPELINE, interview_id=world.interview_id, to_status=to_status
            )
            run(world, command)

        assert (interview(world)["status"], interview(world)["version"]) == ("failed", 2)


class TestSentences:
    def test_it_keeps_a_new_sentence_in_its_interview_with_clear_flags(self, world):
        text = "And then it went to Jira."
        command = create_sentence_command(
            world.interview_id, index=1, text=text, speaker="Ade", start_ms=1500, end_ms=2500
        )
        result = run(world, command)

        found = sentence_node(result.aggregate_id)
        assert found is not None
        assert {k: found[k] for k in ("sentence_id", "interview_id", "project_id", "index")} == {
            "sentence_id": str(result.aggregate_id),
            "interview_id": str(world.interview_id),
            "project_id": str(world.project_id),
            "index": 1,
        }
        assert (found["text"], found["speaker"], found["start_ms"], found["end_ms"]) == (
            text,
            "Ade",
            1500,
            2500,
        )
        flags = ("is_edited", "is_overridden", "is_reviewed", "stale_analysis")
        assert [found[f] for f in flags] == [False, False, False, False]
        assert (found["version"], links(result.aggregate_id)) == (0, set())
        assert analysis_node(result.aggregate_id) is None
        assert value(
            "MATCH (i:Interview)-[:HAS_SENTENCE]->(:Sentence {sentence_id: $id})"
            " RETURN i.interview_id",
            id=str(result.aggregate_id),
        ) == str(world.interview_id)

    def test_an_edit_changes_the_text_and_marks_the_analysis_stale(self, world):
        expert(world, EditSentence, new_text="We track it all in Jira.", reason="typo")

        found = sentence(world)
        assert (found["text"], found["original_text"]) == (
            "We track it all in Jira.",
            "We track everything in Jira.",
        )
        assert (found["is_edited"], found["stale_analysis"], found["version"]) == (True, True, 2)
        assert links(world.sentence_id) == AI_LINKS  # the AI's values stand until re-analysed

    def test_a_new_analysis_after_an_edit_is_no_longer_stale(self, world):
        expert(world, EditSentence, new_text="We track it all in Jira.", reason="typo")
        analyse(world)

        assert sentence(world)["stale_analysis"] is False


class TestAnalysis:
    def test_it_keeps_the_ai_values_and_links_every_dimension_topics_included(self, world):
        """docs/architecture.md, Standing rule 4: topic dimensions were lost between the analyzer
        and the graph."""
        values = {**AI_VALUES, **TOPICS}
        analyse(world, values=values, confidence=CONFIDENCE, model_version="2")

        found = analysis_node(world.sentence_id)
        assert found is not None
        assert {name: found[name] for name in values} == values
        assert json.loads(found["confidence"]) == CONFIDENCE
        assert (found["analyzer"], found["model"], found["model_version"]) == (
            "heuristic",
            "rules",
            "2",
        )
        assert (found["sentence_id"], found["version"]) == (str(world.sentence_id), 2)
        expected = replaced(AI_LINKS, "HAS_TOPIC", 1, "pain points")
        assert links(world.sentence_id) == replaced(expected, "HAS_TOPIC", 3, "strategy")

    def test_a_new_analysis_replaces_the_old_values_and_their_links(self, world):
        values = {**AI_VALUES, "purpose": "Answer", "overall_keywords": ["on-call rota"]}
        analyse(world, values=values)

        assert analysis_node(world.sentence_id)["purpose"] == "Answer"
        expected = replaced(AI_LINKS, "HAS_PURPOSE", None, "Answer")
        expected = replaced(expected, "MENTIONS_KEYWORD", None, "on-call rota")
        assert links(world.sentence_id) == expected
        assert value("MATCH (a:Analysis) RETURN count(a)") == 1

    def test_dimension_nodes_are_shared_by_the_sentences_that_have_the_value(self, world):
        second = run(world, create_sentence_command(world.interview_id, index=1)).aggregate_id
        analyse(world)
        run(world, record_analysis_command(second))

        assert value("MATCH (d:DomainKeyword {name: 'Jira'}) RETURN count(d)") == 1
        assert value("MATCH (:Sentence)-[:MENTIONS_DOMAIN_KEYWORD]->(d) RETURN count(*)") == 2

    def test_clearing_the_analysis_removes_it_and_the_ai_links(self, world):
        expert(world, ClearAnalysis, reason="stale after the edit")

        assert analysis_node(world.sentence_id) is None
        assert value("MATCH (a:Analysis) RETURN count(a)") == 0
        assert links(world.sentence_id) == set()
        assert sentence(world)["stale_analysis"] is False


class TestOverrides:
    def test_an_override_moves_the_link_and_keeps_the_ai_value(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")

        assert links(world.sentence_id) == replaced(AI_LINKS, "HAS_PURPOSE", None, "Request")
        assert analysis_node(world.sentence_id)["purpose"] == "Statement"
        found = sentence(world)
        assert (found["is_overridden"], json.loads(found["overrides"])) == (
            True,
            {"purpose": "Request"},
        )

    def test_a_value_no_sentence_has_any_more_leaves_no_node_behind(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")

        purposes = value("MATCH (p:Purpose) RETURN collect(p.name)")
        assert purposes == ["Request"]

    def test_a_revert_moves_the_link_back(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")
        expert(world, RevertOverride, fields=("purpose",), reason="second opinion")

        assert links(world.sentence_id) == AI_LINKS
        assert sentence(world)["is_overridden"] is False

    def test_an_override_of_keywords_and_topics_moves_those_links(self, world):
        fields = {"topic_level_3": "strategy", "domain_keywords": ["Scrum", "Kanban"]}
        expert(world, OverrideAnalysis, fields=fields, reason="they mean the process")

        expected = replaced(AI_LINKS, "HAS_TOPIC", 3, "strategy")
        expected -= {("MENTIONS_DOMAIN_KEYWORD", None, "DomainKeyword", "Jira")}
        expected |= {
            ("MENTIONS_DOMAIN_KEYWORD", None, "DomainKeyword", "Scrum"),
            ("MENTIONS_DOMAIN_KEYWORD", None, "DomainKeyword", "Kanban"),
        }
        assert links(world.sentence_id) == expected

    def test_an_override_outlives_clearing_the_analysis(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")
        expert(world, ClearAnalysis, reason="stale")

        assert links(world.sentence_id) == {("HAS_PURPOSE", None, "Purpose", "Request")}

    def test_a_new_analysis_under_an_override_leaves_the_overridden_link(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")
        analyse(world, values={**AI_VALUES, "purpose": "Answer"})

        assert ("HAS_PURPOSE", None, "Purpose", "Request") in links(world.sentence_id)
        assert analysis_node(world.sentence_id)["purpose"] == "Answer"


class TestReview:
    def test_a_confirmation_marks_the_sentence_reviewed(self, world):
        expert(world, ConfirmSentence, note="checked")

        found = sentence(world)
        assert (found["is_reviewed"], found["review_note"], found["version"]) == (
            True,
            "checked",
            2,
        )

    def test_a_confirmation_lapses_when_an_effective_value_changes(self, world):
        expert(world, ConfirmSentence, note=None)
        expert(world, OverrideAnalysis, fields={"purpose": "Request"}, reason="she asks")

        assert sentence(world)["is_reviewed"] is False


class TestSentenceOrder:
    def test_next_sentence_follows_the_index_whatever_the_order_of_creation(self, world):
        for index in (3, 1):  # one batch each
            run(world, create_sentence_command(world.interview_id, index=index))
        store = world.store
        for index in (5, 2, 4):  # in one batch
            handle(create_sentence_command(world.interview_id, index=index), world.repo)
        make_graph_runner(store).catch_up()

        assert chain(world.interview_id) == [0, 1, 2, 3, 4, 5]
        assert value("MATCH ()-[n:NEXT_SENTENCE]->() RETURN count(n)") == 5

    def test_no_sentence_links_to_another_interviews(self, store, workload):
        make_graph_runner(store).catch_up()

        for interview_id, sentence_ids in workload.sentence_ids.items():
            assert chain(interview_id) == list(range(len(sentence_ids)))
        assert (
            value(
                "MATCH (a:Sentence)-[:NEXT_SENTENCE]->(b:Sentence)"
                " WHERE a.interview_id <> b.interview_id RETURN count(*)"
            )
            == 0
        )


def test_every_event_type_of_the_catalogue_is_applied_to_the_graph(store, workload):
    runner = make_graph_runner(store)
    runner.catch_up()

    assert event_types(store) == set(CATALOGUE)
    assert (runner.applied, runner.parked) == (workload.events, 0)
    for stream_kind, key in (("Interview", "interview_id"), ("Sentence", "sentence_id")):
        found = rows(f"MATCH (n:{stream_kind}) RETURN n.{key} AS id, n.version AS version")
        assert {r["id"]: r["version"] for r in found} == {
            r["id"]: store.current_version(f"{stream_kind}-{r['id']}") for r in found
        }
    assert len(workload.all_sentence_ids) == value("MATCH (s:Sentence) RETURN count(s)")


def test_project_and_interview_nodes_need_no_order_between_lanes(store, workload):
    """A project's events run in its own lane: its interviews may arrive first (a stub)."""
    project_id = workload.project_ids[0]
    project_lane = lane_of(f"Project-{project_id}", LANES)
    interviews = [i for i in workload.interview_ids if _project_of(store, i) == project_id]
    assert any(lane_of(f"Interview-{i}", LANES) != project_lane for i in interviews)
    others = frozenset(range(LANES)) - {project_lane}
    make_graph_runner(store, only_lanes=others).catch_up()

    assert node("Project", "project_id", project_id) == {"project_id": str(project_id)}

    make_graph_runner(store).catch_up()

    assert node("Project", "project_id", project_id)["version"] == 1
    assert value(
        "MATCH (:Project {project_id: $id})-[:CONTAINS_INTERVIEW]->(i) RETURN count(i)",
        id=str(project_id),
    ) == len(interviews)


def _project_of(store: SqlEventStore, interview_id: UUID) -> UUID:
    return UUID(store.read_stream(f"Interview-{interview_id}")[0].data["project_id"])
