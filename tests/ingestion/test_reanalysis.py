from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis.heuristic import HeuristicAnalyzer
from analysis.port import AnalyzerError
from commands.aggregates import Sentence, sentence_id
from commands.bus import handle
from commands.messages import EditSentence, OverrideAnalysis
from commands.repository import Repository
from events.wiring import get_event_store
from ingestion.models import ReactionCheckpoint
from ingestion.pipeline import ingest
from ingestion.prepare import prepare_upload
from ingestion.projects import ensure_project
from ingestion.reanalysis import REACTION_NAME, EditFollower
from tests.commands.builders import PIPELINE, REVIEWER, SECOND_REVIEWER
from tests.ingestion.helpers import SAMPLE_FILES, FailingAfter

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return get_event_store()


@pytest.fixture
def interview_id(store):
    project = ensure_project("ledgerline", store=store, actor=PIPELINE)
    path = SAMPLE_FILES[0]
    upload = prepare_upload(path.read_bytes(), filename=path.name, max_bytes=5_000_000)
    return ingest(
        upload, project_id=project.id, analyzer=HeuristicAnalyzer(), store=store
    ).interview_id


def sentence(store, interview_id, index=3) -> Sentence:
    return Repository(store).get(Sentence, sentence_id(interview_id, index))


def edit(store, interview_id, text, actor=REVIEWER, index=3):
    current = sentence(store, interview_id, index)
    command = EditSentence(
        actor=actor,
        sentence_id=current.id,
        new_text=text,
        reason="transcription error",
        expected_version=current.version,
    )
    return handle(command, Repository(store))


def test_an_edited_sentence_gets_an_analysis_of_its_new_text(store, interview_id):
    edited = edit(store, interview_id, "Do you track the budget in Jira every day?")
    follower = EditFollower(store, HeuristicAnalyzer(), position=edited.position - 1)

    assert follower.process_batch() == 1

    [analysis] = store.read_stream(edited.stream, from_version=edited.version + 1)
    edit_event = store.read_stream(edited.stream, from_version=edited.version)[0]
    assert analysis.event_type == "AnalysisGenerated"
    assert analysis.data["values"]["function_type"] == "interrogative"
    assert analysis.data["values"]["domain_keywords"] == ["Jira"]
    assert analysis.causation_id == edit_event.event_id
    assert analysis.correlation_id == edit_event.correlation_id
    assert str(analysis.actor) == "ai:heuristic"
    assert follower.position == edited.position


def test_expert_overrides_stay_in_force_after_the_new_analysis(store, interview_id):
    current = sentence(store, interview_id)
    handle(
        OverrideAnalysis(
            actor=REVIEWER,
            sentence_id=current.id,
            fields={"purpose": "Confession"},
            reason="she is admitting it",
            expected_version=current.version,
        ),
        Repository(store),
    )
    edit(store, interview_id, "Honestly, I never open the budget screen at all!")
    EditFollower(store, HeuristicAnalyzer()).process_batch()

    after = sentence(store, interview_id)
    assert after.overrides == {"purpose": "Confession"}
    assert after.effective_values()["purpose"] == "Confession"
    assert after.analysis.values["function_type"] == "exclamatory"


def test_handling_the_same_edit_again_records_nothing(store, interview_id):
    edit(store, interview_id, "We moved everything to Jira last spring.")
    EditFollower(store, HeuristicAnalyzer()).process_batch()
    head = store.head_position()

    assert EditFollower(store, HeuristicAnalyzer()).process_batch() == 1  # seen again...
    assert store.head_position() == head  # ...and nothing appended


def test_only_the_latest_text_is_analysed_when_edits_pile_up(store, interview_id):
    edit(store, interview_id, "We moved to Jira.")
    edit(store, interview_id, "We moved to Jira and Confluence.", actor=SECOND_REVIEWER)
    follower = EditFollower(store, HeuristicAnalyzer())

    assert follower.process_batch() == 2

    stream = f"Sentence-{sentence_id(interview_id, 3)}"
    kinds = [e.event_type for e in store.read_stream(stream)]
    assert kinds[-3:] == ["SentenceEdited", "SentenceEdited", "AnalysisGenerated"]
    analysis = sentence(store, interview_id).analysis
    assert analysis.values["domain_keywords"] == ["Jira", "Confluence"]


def test_a_provider_outage_stops_the_follower_where_it_was(store, interview_id):
    edit(store, interview_id, "We moved to Jira.")
    down = AnalyzerError("connection refused", retryable=True)
    follower = EditFollower(store, FailingAfter(0, down))

    with pytest.raises(AnalyzerError):
        follower.process_batch()
    assert follower.position == 0


def test_an_analysis_that_can_never_succeed_is_logged_and_passed(store, interview_id, caplog):
    edited = edit(store, interview_id, "We moved to Jira.")
    refused = AnalyzerError("the provider refuses this text", retryable=False)
    follower = EditFollower(store, FailingAfter(0, refused))

    assert follower.process_batch() == 1
    assert follower.position == edited.position
    assert "no new analysis" in caplog.text
    assert "the provider refuses this text" in caplog.text


# The command closes stale connections between batches, as a long-running process must; that
# would close the connection of a test wrapped in a transaction.
@pytest.mark.django_db(transaction=True)
def test_runreactions_once_catches_up_and_keeps_its_checkpoint(store, interview_id):
    edited = edit(store, interview_id, "We moved to Jira.")
    out = StringIO()
    call_command("runreactions", "--once", stdout=out)
    assert f"handled 1 edit(s); at position {edited.position}" in out.getvalue()
    assert ReactionCheckpoint.objects.get(name=REACTION_NAME).position == edited.position

    out = StringIO()
    call_command("runreactions", "--once", stdout=out)
    assert "handled 0 edit(s)" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_runreactions_once_reports_an_outage(store, interview_id, settings):
    edit(store, interview_id, "We moved to Jira.")
    settings.ANALYZER = "openai"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_TIMEOUT = 0.5
    settings.OPENAI_MAX_ATTEMPTS = 1
    with pytest.raises(CommandError, match="stopped at position 0"):
        call_command("runreactions", "--once", stdout=StringIO(), stderr=StringIO())


def test_an_edit_handled_before_costs_no_second_analysis(store, interview_id):
    edit(store, interview_id, "We moved everything to Jira last spring.")
    EditFollower(store, HeuristicAnalyzer()).process_batch()
    # Seen again from an older checkpoint, with a provider that is down: no call is made.
    again = EditFollower(store, FailingAfter(0, AnalyzerError("down", retryable=True)))
    assert again.process_batch() == 1


def test_an_edit_that_breaks_the_analyzer_does_not_hold_up_later_edits(store, interview_id, caplog):
    edit(store, interview_id, "We moved to Jira.")
    later = edit(store, interview_id, "We moved to Kanban.", index=4)
    follower = EditFollower(store, FailingAfter(0, ValueError("unexpected answer shape")))

    assert follower.process_batch() == 2

    assert follower.position == later.position
    assert caplog.text.count("no new analysis") == 2
