"""The Sentence aggregate on its own: no store, no Django."""

import uuid

import pytest

from commands.aggregates import Sentence, sentence_id
from commands.errors import AlreadyExists, InvalidCommand, NotFound, NothingToConfirm
from tests.commands.builders import AI_VALUES, HEURISTIC, PIPELINE, PROJECT_KEYWORDS, cause

INTERVIEW_ID = uuid.uuid4()
PROJECT_ID = uuid.uuid4()
TEXT = "We track everything in Jira."


def creation(**changes) -> dict:
    fields = {
        "interview_id": INTERVIEW_ID,
        "project_id": PROJECT_ID,
        "index": 3,
        "text": TEXT,
        "speaker": "Maya",
        "start_char": 10,
        "end_char": 10 + len(TEXT),
        "start_ms": None,
        "end_ms": None,
    }
    return {**fields, **changes}


def analyse(sentence: Sentence, **values) -> None:
    sentence.record_analysis(
        analyzer="heuristic",
        model="rules",
        model_version="1",
        prompt_version="none",
        values={**AI_VALUES, **values},
        confidence={"purpose": 0.4},
        domain_keywords=PROJECT_KEYWORDS,
        cause=cause(HEURISTIC),
    )


def a_sentence(*, analysed: bool = True) -> Sentence:
    """A stored sentence (nothing pending), with an AI analysis unless told otherwise."""
    sentence = Sentence(id=sentence_id(INTERVIEW_ID, 3))
    sentence.create(**creation(), cause=cause(PIPELINE))
    if analysed:
        analyse(sentence)
    sentence.mark_saved(len(sentence.pending) - 1)
    return sentence


def override(sentence: Sentence, reason: str = "AI misread it", **fields) -> None:
    sentence.override(fields=fields, reason=reason, domain_keywords=PROJECT_KEYWORDS, cause=cause())


def last_data(sentence: Sentence) -> dict:
    return dict(sentence.pending[-1].data)


# --- identity and creation -------------------------------------------------------------------


def test_its_id_is_derived_from_interview_and_index():
    assert sentence_id(INTERVIEW_ID, 3) == uuid.uuid5(INTERVIEW_ID, "3")
    assert sentence_id(INTERVIEW_ID, 3) == sentence_id(INTERVIEW_ID, 3)
    assert sentence_id(INTERVIEW_ID, 3) != sentence_id(INTERVIEW_ID, 4)


def test_it_refuses_an_id_that_is_not_derived_from_interview_and_index():
    with pytest.raises(InvalidCommand, match="sentence_id"):
        Sentence(id=uuid.uuid4()).create(**creation(), cause=cause(PIPELINE))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "blank"),
        ({"start_char": 50, "end_char": 40}, "end_char"),
        ({"start_ms": 900, "end_ms": 100}, "end_ms"),
    ],
)
def test_it_rejects_invalid_creation_fields(changes, message):
    with pytest.raises(InvalidCommand, match=message):
        Sentence(id=sentence_id(INTERVIEW_ID, 3)).create(**creation(**changes), cause=cause())


def test_it_treats_creating_it_again_with_the_same_content_as_done_even_after_an_edit():
    sentence = a_sentence()
    sentence.edit(new_text="We track it all in Jira.", reason="typo", cause=cause())
    sentence.mark_saved(2)
    sentence.create(**creation(), cause=cause(PIPELINE))
    assert sentence.pending == []


def test_it_refuses_to_be_created_again_with_other_content():
    sentence = a_sentence()
    with pytest.raises(AlreadyExists, match="text"):
        sentence.create(**creation(text="Something else."), cause=cause(PIPELINE))


# --- every event says where it belongs ------------------------------------------------------


def test_every_event_it_records_carries_interview_and_project():
    sentence = Sentence(id=sentence_id(INTERVIEW_ID, 3))
    sentence.create(**creation(), cause=cause(PIPELINE))
    analyse(sentence)
    sentence.edit(new_text="We track it all in Jira.", reason="typo", cause=cause())
    override(sentence, purpose="Observation")
    sentence.revert(fields=["purpose"], reason="AI was right", cause=cause())
    sentence.confirm(note=None, cause=cause())
    sentence.clear(reason="stale after the edit", cause=cause())
    assert len(sentence.pending) == 7
    for event in sentence.pending:
        assert event.data["interview_id"] == str(INTERVIEW_ID), event.event_type
        assert event.data["project_id"] == str(PROJECT_ID), event.event_type


# --- edits -------------------------------------------------------------------------------------


def test_it_records_an_edit_with_old_and_new_text_and_reason():
    sentence = a_sentence()
    sentence.edit(new_text="  We track it all in Jira. ", reason=" typo ", cause=cause())
    data = last_data(sentence)
    assert (data["old_text"], data["new_text"], data["reason"]) == (
        TEXT,
        "We track it all in Jira.",
        "typo",
    )
    assert sentence.text == "We track it all in Jira."
    assert sentence.original_text == TEXT
    assert sentence.edited


def test_it_rejects_an_edit_that_changes_nothing():
    sentence = a_sentence()
    with pytest.raises(InvalidCommand, match="does not change"):
        sentence.edit(new_text=f"  {TEXT}\n", reason="typo", cause=cause())
    assert sentence.pending == []


def test_it_rejects_an_edit_to_blank_text():
    with pytest.raises(InvalidCommand, match="blank"):
        a_sentence().edit(new_text=" ", reason="typo", cause=cause())


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_it_rejects_data_changes_without_a_reason(reason):
    sentence = a_sentence()
    override(sentence, reason="first", purpose="Observation")
    changes = [
        lambda: sentence.edit(new_text="Other text.", reason=reason, cause=cause()),
        lambda: override(sentence, reason=reason, purpose="Query"),
        lambda: sentence.revert(fields=["purpose"], reason=reason, cause=cause()),
        lambda: sentence.clear(reason=reason, cause=cause()),
    ]
    for change in changes:
        with pytest.raises(InvalidCommand, match="reason"):
            change()
    assert len(sentence.pending) == 1


# --- AI analysis -------------------------------------------------------------------------------


def test_it_keeps_the_latest_ai_analysis_normalised_to_the_label_sets():
    sentence = a_sentence(analysed=False)
    analyse(sentence, overall_keywords=["Ticket  Tracking"], domain_keywords=["jira"])
    assert sentence.analysis is not None
    assert sentence.analysis.values["overall_keywords"] == ["ticket tracking"]
    assert sentence.analysis.values["domain_keywords"] == ["Jira"]
    assert sentence.analysis.confidence == {"purpose": 0.4}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"mood": "happy"}, "unknown dimension"),
        ({"purpose": "Rant"}, "not a valid purpose"),
        ({"domain_keywords": ["Kubernetes"]}, "domain keyword list"),
        ({}, "at least one"),
    ],
)
def test_it_rejects_an_analysis_outside_the_label_sets(values, message):
    sentence = a_sentence(analysed=False)
    with pytest.raises(InvalidCommand, match=message):
        sentence.record_analysis(
            analyzer="heuristic",
            model="rules",
            model_version="1",
            prompt_version="none",
            values=values,
            confidence={},
            domain_keywords=PROJECT_KEYWORDS,
            cause=cause(HEURISTIC),
        )


def test_it_rejects_a_confidence_for_a_dimension_without_a_value():
    sentence = a_sentence(analysed=False)
    with pytest.raises(InvalidCommand, match="confidence"):
        sentence.record_analysis(
            analyzer="heuristic",
            model="rules",
            model_version="1",
            prompt_version="none",
            values={"purpose": "Query"},
            confidence={"topic_level_1": 0.3},
            domain_keywords=PROJECT_KEYWORDS,
            cause=cause(HEURISTIC),
        )


# --- overrides ---------------------------------------------------------------------------------


def test_an_override_wins_over_the_ai_value_and_records_the_previous_effective_value():
    sentence = a_sentence()
    override(sentence, purpose="Observation", domain_keywords=["scrum", "JIRA"])
    assert last_data(sentence)["fields"] == {
        "purpose": "Observation",
        "domain_keywords": ["Scrum", "Jira"],
    }
    assert last_data(sentence)["previous"] == {"purpose": "Statement", "domain_keywords": ["Jira"]}
    assert sentence.effective_values()["purpose"] == "Observation"
    assert sentence.analysis is not None
    assert sentence.analysis.values["purpose"] == "Statement"  # the AI's value is kept


def test_the_previous_value_of_a_second_override_is_the_first_override():
    sentence = a_sentence()
    override(sentence, purpose="Observation")
    override(sentence, purpose="Query")
    assert last_data(sentence)["previous"] == {"purpose": "Observation"}


def test_an_override_of_a_dimension_the_ai_left_empty_records_none_as_previous():
    sentence = a_sentence(analysed=False)
    override(sentence, topic_level_1="pain points")
    assert last_data(sentence)["previous"] == {"topic_level_1": None}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sentiment": "positive"}, "unknown dimension"),
        ({"function_type": "Declarative"}, "not a valid function_type"),
        ({"topic_level_3": "gossip"}, "not a valid topic_level_3"),
        ({"overall_keywords": ["a", "b", "c", "d", "e", "f", "g"]}, "at most 6"),
        # Valid in the default list, but not in this project's list.
        ({"domain_keywords": ["Kubernetes"]}, "domain keyword list"),
        ({}, "at least one field"),
    ],
)
def test_it_rejects_an_override_outside_the_label_sets(fields, message):
    sentence = a_sentence()
    with pytest.raises(InvalidCommand, match=message):
        override(sentence, **fields)
    assert sentence.pending == []


def test_it_rejects_an_override_that_changes_nothing_against_the_effective_value():
    sentence = a_sentence()
    with pytest.raises(InvalidCommand, match="does not change purpose"):
        override(sentence, purpose="Statement", topic_level_1="goals")
    override(sentence, topic_level_1="goals")
    with pytest.raises(InvalidCommand, match="does not change topic_level_1"):
        override(sentence, topic_level_1="goals")
    with pytest.raises(InvalidCommand, match="does not change overall_keywords"):
        override(sentence, overall_keywords=["Ticket tracking"])  # normalised first


# --- reverts and clears ------------------------------------------------------------------------


def test_a_revert_brings_back_the_ai_value():
    sentence = a_sentence()
    override(sentence, purpose="Observation", topic_level_1="goals")
    sentence.revert(fields=["purpose", "purpose"], reason="AI was right", cause=cause())
    assert last_data(sentence)["fields"] == ["purpose"]
    assert sentence.overrides == {"topic_level_1": "goals"}
    assert sentence.effective_values()["purpose"] == "Statement"


def test_it_reverts_only_fields_that_are_overridden():
    sentence = a_sentence()
    override(sentence, purpose="Observation")
    with pytest.raises(InvalidCommand, match="topic_level_1 not overridden"):
        sentence.revert(fields=["purpose", "topic_level_1"], reason="undo", cause=cause())
    with pytest.raises(InvalidCommand, match="unknown dimension"):
        sentence.revert(fields=["mood"], reason="undo", cause=cause())
    with pytest.raises(InvalidCommand, match="at least one"):
        sentence.revert(fields=[], reason="undo", cause=cause())


def test_a_clear_removes_the_ai_analysis_but_keeps_the_overrides():
    sentence = a_sentence()
    override(sentence, purpose="Observation")
    sentence.clear(reason="stale after an edit", cause=cause())
    assert sentence.analysis is None
    assert sentence.effective_values() == {"purpose": "Observation"}


def test_it_clears_only_an_existing_ai_analysis():
    sentence = a_sentence(analysed=False)
    with pytest.raises(InvalidCommand, match="no AI analysis"):
        sentence.clear(reason="stale", cause=cause())


# --- reviews -----------------------------------------------------------------------------------


def test_it_rejects_a_second_confirmation_when_nothing_changed():
    sentence = a_sentence()
    sentence.confirm(note="  ", cause=cause())
    assert last_data(sentence)["decision"] == "confirmed"
    assert last_data(sentence)["note"] is None
    with pytest.raises(InvalidCommand, match="already confirmed"):
        sentence.confirm(note="again", cause=cause())


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.edit(new_text="We track it all in Jira.", reason="typo", cause=cause()),
        lambda s: override(s, purpose="Observation"),
        lambda s: analyse(s, purpose="Observation"),
        lambda s: s.clear(reason="stale", cause=cause()),
    ],
    ids=["edit", "override", "new analysis", "clear"],
)
def test_a_change_to_text_or_effective_values_reopens_a_confirmed_sentence(change):
    sentence = a_sentence()
    sentence.confirm(note=None, cause=cause())
    change(sentence)
    assert not sentence.confirmed
    if sentence.effective_values():  # a cleared sentence has nothing left to confirm
        sentence.confirm(note="checked again", cause=cause())
        assert sentence.confirmed


def test_a_sentence_with_no_values_cannot_be_confirmed():
    sentence = Sentence(id=sentence_id(INTERVIEW_ID, 3))
    sentence.create(**creation(), cause=cause(PIPELINE))
    with pytest.raises(NothingToConfirm, match="no analysis yet"):
        sentence.confirm(note=None, cause=cause())
    analyse(sentence)
    sentence.clear(reason="wrong", cause=cause())
    with pytest.raises(NothingToConfirm):
        sentence.confirm(note=None, cause=cause())
    override(sentence, purpose="Observation")  # an expert's value is something to confirm
    sentence.confirm(note=None, cause=cause())
    assert sentence.confirmed


def test_an_identical_new_analysis_leaves_a_confirmation_standing():
    sentence = a_sentence()
    sentence.confirm(note=None, cause=cause())
    analyse(sentence)
    assert sentence.confirmed


def test_it_cannot_change_a_sentence_that_does_not_exist():
    with pytest.raises(NotFound):
        Sentence(id=uuid.uuid4()).confirm(note=None, cause=cause())
