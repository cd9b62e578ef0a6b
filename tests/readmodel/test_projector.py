"""Every event type lands in the relational read model (docs/architecture.md, Events; Projections).

Events are made by the command handlers and applied by the real runner, as in production; the
tests read the rows back.
"""

import datetime as dt
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
from events.envelope import RecordedEvent
from events.sql_store import SqlEventStore
from readmodel import models as rm
from tests.commands.builders import (
    AI_VALUES,
    OWNER,
    PIPELINE,
    PROJECT_KEYWORDS,
    REVIEWER,
    SECOND_REVIEWER,
    World,
    build_world,
    create_sentence_command,
    record_analysis_command,
)
from tests.projections.helpers import make_runner

pytestmark = pytest.mark.django_db

TOPICS = {"topic_level_1": "pain points", "topic_level_3": "strategy"}
CONFIDENCE = {"function_type": 0.9, "purpose": 0.5, "topic_level_1": 0.4, "topic_level_3": 0.7}


@pytest.fixture
def world() -> World:
    """A project, an interview and an analysed sentence, projected."""
    world = build_world(SqlEventStore())
    make_runner(world.store).catch_up()
    return world


def run(world: World, command: Any) -> CommandResult:
    """Handle `command`, then let the projection catch up."""
    result = handle(command, world.repo)
    make_runner(world.store).catch_up()
    return result


def last_event(world: World, stream: str) -> RecordedEvent:
    return world.store.read_stream(stream)[-1]


def sentence(world: World) -> rm.Sentence:
    return rm.Sentence.objects.get(id=world.sentence_id)


def expert(world: World, command_type: type, actor=REVIEWER, **fields: Any) -> CommandResult:
    """An expert's command on the world's sentence, at the version they see."""
    version = world.version("Sentence", world.sentence_id)
    return run(
        world,
        command_type(
            actor=actor, sentence_id=world.sentence_id, expected_version=version, **fields
        ),
    )


def analyse(world: World, sentence_id: UUID | None = None, **fields: Any) -> CommandResult:
    command = record_analysis_command(sentence_id or world.sentence_id, **fields)
    return run(world, command)


class TestProjects:
    def test_it_keeps_a_projects_name_slug_keywords_and_version(self, world):
        row = rm.Project.objects.get(id=world.project_id)
        created = world.store.read_stream(f"Project-{world.project_id}")[0]
        assert (row.name, row.slug) == ("Tooling study", created.data["slug"])
        assert row.domain_keywords == list(PROJECT_KEYWORDS)
        assert (row.created_at, row.version) == (created.occurred_at, 0)

    def test_it_follows_a_project_update(self, world):
        keywords = (*PROJECT_KEYWORDS, "Confluence")
        command = UpdateProject(
            actor=OWNER,
            project_id=world.project_id,
            expected_version=0,
            name="Tooling study, phase 2",
            domain_keywords=keywords,
        )
        run(world, command)

        row = rm.Project.objects.get(id=world.project_id)
        assert (row.name, row.domain_keywords, row.version) == (
            "Tooling study, phase 2",
            list(keywords),
            1,
        )


class TestInterviews:
    def test_it_keeps_an_interviews_metadata_status_and_version(self, world):
        row = rm.Interview.objects.get(id=world.interview_id)
        created = world.store.read_stream(f"Interview-{world.interview_id}")[0]

        assert row.project_id == world.project_id
        assert (row.title, row.source_filename) == ("Interview with Maya", "maya.txt")
        assert (row.content_sha256, row.language) == (created.data["content_sha256"], "en")
        assert row.participants == ["Maya", "Interviewer"]
        assert (row.status, row.status_reason, row.blocked) == ("uploaded", None, False)
        assert (row.created_at, row.updated_at, row.version) == (
            created.occurred_at,
            created.occurred_at,
            0,
        )

    def test_it_follows_a_metadata_update(self, world):
        command = UpdateInterviewMetadata(
            actor=OWNER,
            interview_id=world.interview_id,
            expected_version=0,
            title="Maya, second session",
            recorded_on=dt.date(2025, 3, 4),
            metadata={"team": "platform"},
        )
        run(world, command)

        row = rm.Interview.objects.get(id=world.interview_id)
        updated = last_event(world, f"Interview-{world.interview_id}")
        assert (row.title, row.recorded_on, row.metadata) == (
            "Maya, second session",
            dt.date(2025, 3, 4),
            {"team": "platform"},
        )
        assert (row.updated_at, row.version) == (updated.occurred_at, 1)

    def test_it_reads_the_new_status_from_to_status(self, world):
        """docs/architecture.md, Standing rule 4: the replaced system's status handler read the
        wrong field name."""
        for to_status in ("processing", "failed"):
            command = ChangeInterviewStatus(
                actor=PIPELINE,
                interview_id=world.interview_id,
                to_status=to_status,
                reason=f"now {to_status}",
            )
            run(world, command)

        row = rm.Interview.objects.get(id=world.interview_id)
        assert (row.status, row.status_reason, row.version) == ("failed", "now failed", 2)


class TestSentences:
    def test_it_keeps_original_text_speaker_offsets_and_version(self, world):
        text = "And then it went to Jira."
        command = create_sentence_command(
            world.interview_id, index=1, text=text, speaker="Ade", start_ms=1500, end_ms=2500
        )
        result = run(world, command)

        row = rm.Sentence.objects.get(id=result.aggregate_id)
        assert (row.interview_id, row.project_id, row.index) == (
            world.interview_id,
            world.project_id,
            1,
        )
        assert (row.original_text, row.text, row.speaker, row.edited) == (text, text, "Ade", False)
        assert (row.start_char, row.end_char, row.start_ms, row.end_ms) == (
            6,
            6 + len(text),
            1500,
            2500,
        )
        assert (row.ai_values, row.effective, row.reviewed, row.blocked) == (None, {}, False, False)
        assert row.version == 0

    def test_it_keeps_every_dimension_of_an_analysis_topics_included(self, world):
        """docs/architecture.md, Standing rule 4: topic dimensions were lost between the analyzer
        and the read model."""
        values = {**AI_VALUES, **TOPICS}
        result = analyse(world, values=values, confidence=CONFIDENCE, model_version="2")

        row = sentence(world)
        analysed = last_event(world, world.sentence_stream)
        assert (row.ai_values, row.ai_confidence) == (values, CONFIDENCE)
        assert (row.effective, row.topic_level_1, row.topic_level_3) == (
            values,
            "pain points",
            "strategy",
        )
        assert (row.function_type, row.structure_type, row.purpose) == (
            "declarative",
            "simple",
            "Statement",
        )
        assert (row.analyzer, row.model, row.model_version, row.prompt_version) == (
            "heuristic",
            "rules",
            "2",
            "none",
        )
        assert (row.analysed_at, row.min_confidence, row.stale_analysis) == (
            analysed.occurred_at,
            0.4,
            False,
        )
        assert row.version == result.version == 2

    def test_an_override_is_the_effective_value_and_says_who_when_and_why(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Answer"}, reason="it answers")

        row = sentence(world)
        overridden = last_event(world, world.sentence_stream)
        assert (row.overrides, row.overridden) == ({"purpose": "Answer"}, True)
        assert row.override_meta == {
            "purpose": {
                "actor": REVIEWER.as_dict(),
                "at": overridden.occurred_at.isoformat(),
                "reason": "it answers",
            }
        }
        assert (row.purpose, row.effective) == ("Answer", {**AI_VALUES, "purpose": "Answer"})
        assert row.ai_values == AI_VALUES  # the AI's value is kept beside the expert's
        assert row.min_confidence == 0.9  # the overridden purpose's 0.5 no longer counts

    def test_a_reverted_override_gives_the_ai_value_back_and_drops_its_provenance(self, world):
        fields = {"purpose": "Answer", "topic_level_1": "goals"}
        expert(world, OverrideAnalysis, fields=fields, reason="two fixes")
        expert(
            world, RevertOverride, actor=SECOND_REVIEWER, fields=("purpose",), reason="AI was right"
        )

        row = sentence(world)
        assert row.overrides == {"topic_level_1": "goals"}
        assert set(row.override_meta) == {"topic_level_1"}
        assert row.override_meta["topic_level_1"]["actor"] == REVIEWER.as_dict()
        assert (row.purpose, row.topic_level_1, row.overridden) == ("Statement", "goals", True)

    def test_an_edit_keeps_the_original_text_and_makes_the_analysis_stale(self, world):
        expert(world, EditSentence, new_text="We track it all in Jira.", reason="typo")

        row = sentence(world)
        assert (row.original_text, row.text, row.edited) == (
            "We track everything in Jira.",
            "We track it all in Jira.",
            True,
        )
        assert (row.stale_analysis, row.ai_values) == (True, AI_VALUES)

    def test_a_new_analysis_makes_a_stale_analysis_fresh_again(self, world):
        expert(world, EditSentence, new_text="We track it all in Jira.", reason="typo")
        analyse(world, values={**AI_VALUES, "purpose": "Answer"})

        row = sentence(world)
        assert (row.stale_analysis, row.purpose) == (False, "Answer")

    def test_a_cleared_analysis_leaves_only_the_overrides(self, world):
        expert(world, OverrideAnalysis, fields={"purpose": "Answer"}, reason="it answers")
        expert(world, ClearAnalysis, reason="stale after the edit")

        row = sentence(world)
        assert (row.ai_values, row.ai_confidence, row.analyzer, row.analysed_at) == (
            None,
            None,
            "",
            None,
        )
        assert (row.effective, row.function_type, row.purpose) == (
            {"purpose": "Answer"},
            None,
            "Answer",
        )
        assert (row.stale_analysis, row.min_confidence) == (False, None)

    def test_a_review_records_who_when_and_the_note(self, world):
        expert(world, ConfirmSentence, note="checked twice")

        row = sentence(world)
        reviewed = last_event(world, world.sentence_stream)
        assert (row.reviewed, row.reviewed_by, row.reviewed_at, row.review_note) == (
            True,
            REVIEWER.as_dict(),
            reviewed.occurred_at,
            "checked twice",
        )

    @pytest.mark.parametrize(
        ("command_type", "fields"),
        [
            (EditSentence, {"new_text": "We track it all in Jira.", "reason": "typo"}),
            (OverrideAnalysis, {"fields": {"purpose": "Answer"}, "reason": "it answers"}),
            (ClearAnalysis, {"reason": "wrong model"}),
        ],
    )
    def test_a_review_is_reset_when_the_content_changes(self, world, command_type, fields):
        expert(world, ConfirmSentence)
        expert(world, command_type, actor=SECOND_REVIEWER, **fields)

        assert sentence(world).reviewed is False

    def test_a_review_stands_when_a_new_analysis_changes_nothing(self, world):
        expert(world, ConfirmSentence)
        analyse(world)  # the same values again

        assert sentence(world).reviewed is True


class TestInterviewCounters:
    def test_they_count_the_interviews_sentences_by_state(self, world):
        second = run(world, create_sentence_command(world.interview_id, index=1)).aggregate_id
        run(world, create_sentence_command(world.interview_id, index=2))
        analyse(world, second)
        expert(world, EditSentence, new_text="We track it all in Jira.", reason="typo")
        expert(world, OverrideAnalysis, fields={"purpose": "Answer"}, reason="it answers")
        expert(world, ConfirmSentence)

        row = rm.Interview.objects.get(id=world.interview_id)
        counters = (
            row.sentence_count,
            row.analyzed_count,
            row.edited_count,
            row.overridden_count,
            row.reviewed_count,
            row.stale_count,
        )
        assert counters == (3, 2, 1, 1, 1, 1)

    def test_they_follow_a_cleared_analysis(self, world):
        expert(world, ClearAnalysis, reason="wrong model")

        row = rm.Interview.objects.get(id=world.interview_id)
        assert (row.sentence_count, row.analyzed_count) == (1, 0)
