"""Every string of every event is text every reader can encode (events.text), and events an
older release stored with strings that are not are read back as text."""

import json
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection  # noqa: F401  (read by the skipif conditions)

from events import catalogue
from events.catalogue import CATALOGUE, EventSchemaError
from events.envelope import Actor
from events.models import StoredEvent
from events.sql_store import SqlEventStore
from events.store import NO_STREAM
from events.text import MAX_LENGTH, REPLACEMENT
from events.wiring import get_event_store
from tests.factories import sentence_created, sentence_stream

IDS = {"interview_id": str(uuid.uuid4()), "project_id": str(uuid.uuid4())}
SHA = "0" * 64

# A valid payload of every event type, with every string field it can hold filled in.
EXAMPLES: dict[str, dict[str, Any]] = {
    "ProjectCreated": {"name": "Demo", "slug": "demo", "domain_keywords": ["Jira"]},
    "ProjectUpdated": {"changes": {"name": {"old": "Demo", "new": "Renamed"}}},
    "InterviewCreated": {
        "project_id": IDS["project_id"],
        "title": "Maya",
        "source_filename": "maya.md",
        "content_sha256": SHA,
        "language": "en",
        "participants": ["Maya"],
        "metadata": {"team": "payments", "tags": ["pilot"]},
    },
    "InterviewMetadataUpdated": {"changes": {"title": {"old": "Maya", "new": "Maya K"}}},
    "InterviewStatusChanged": {
        "from_status": "analyzed",
        "to_status": "archived",
        "reason": "done",
    },
    "SentenceCreated": {
        **IDS,
        "index": 0,
        "text": "We use Jira.",
        "speaker": "Maya",
        "start_char": 0,
        "end_char": 12,
    },
    "SentenceEdited": {
        **IDS,
        "old_text": "We use Jira.",
        "new_text": "We use Jira!",
        "reason": "x",
    },
    "AnalysisGenerated": {
        **IDS,
        "analyzer": "heuristic",
        "model": "m",
        "model_version": "1",
        "prompt_version": "p1",
        "values": {"overall_keywords": ["jira"]},
        "confidence": {"overall_keywords": 0.5},
    },
    "AnalysisOverridden": {
        **IDS,
        "fields": {"overall_keywords": ["jira"]},
        "previous": {"overall_keywords": ["ci"]},
        "reason": "she means Jira",
    },
    "AnalysisOverrideReverted": {**IDS, "fields": ["overall_keywords"], "reason": "oops"},
    "AnalysisCleared": {**IDS, "reason": "wrong"},
    "SentenceReviewed": {**IDS, "decision": "confirmed", "note": "fine"},
}

BAD_TEXT = {
    "lone high surrogate": "Jira\ud800",
    "lone low surrogate": "\udfffJira",
    "NUL": "Ji\x00ra",
    "escape": "Jira\x1b[31m",
    "backspace": "Jira\x08",
    "over-long": "J" * (MAX_LENGTH + 1),
}


def string_paths(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every string in `value` (dict keys by name, list items by index)."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in string_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in string_paths(item, (*path, i))]
    return []


def replaced(value: Any, path: tuple, new: str) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(value[head], tuple(rest), new)
    return copy


def every_string_field() -> list[tuple[str, tuple]]:
    return [(t, p) for t, example in EXAMPLES.items() for p in string_paths(example)]


def test_the_examples_cover_every_event_type_and_are_valid():
    assert set(EXAMPLES) == set(CATALOGUE)
    for event_type, data in EXAMPLES.items():
        catalogue.validate(event_type, data, aggregate_type=CATALOGUE[event_type].aggregate_type)


@pytest.mark.parametrize("kind", BAD_TEXT)
@pytest.mark.parametrize(("event_type", "path"), every_string_field())
def test_every_string_field_of_every_event_type_refuses_what_is_not_text(event_type, path, kind):
    data = replaced(EXAMPLES[event_type], path, BAD_TEXT[kind])
    with pytest.raises(EventSchemaError) as refused:
        catalogue.validate(event_type, data, aggregate_type=CATALOGUE[event_type].aggregate_type)
    message = str(refused.value)
    message.encode("utf-8")  # the message never echoes what cannot be encoded
    assert str(path[0]) in message


@pytest.mark.parametrize("kind", ["lone high surrogate", "escape"])
def test_a_dict_key_that_is_not_text_is_refused(kind):
    data = replaced(EXAMPLES["InterviewCreated"], ("metadata",), {BAD_TEXT[kind]: "x"})
    with pytest.raises(EventSchemaError, match="metadata"):
        catalogue.validate("InterviewCreated", data, aggregate_type="Interview")


def test_tab_newline_and_carriage_return_and_any_other_character_are_text():
    text = "Line one,\tcolumn\r\nline two: caf\u00e9 \u2014 \U0001f600 \u200b"
    _, clean = catalogue.validate(
        "SentenceCreated",
        {**EXAMPLES["SentenceCreated"], "text": text},
        aggregate_type="Sentence",
    )
    assert clean["text"] == text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["lone high surrogate", "escape", "over-long"])
def test_the_store_writes_nothing_of_a_batch_holding_such_text(kind):
    store, stream = get_event_store(), sentence_stream()
    with pytest.raises(EventSchemaError):
        store.append(
            stream, [sentence_created(), sentence_created(1, text=BAD_TEXT[kind])], NO_STREAM
        )
    assert store.current_version(stream) is None


@pytest.mark.django_db
def test_an_actor_whose_display_name_is_not_text_is_refused():
    store, stream = get_event_store(), sentence_stream()
    actor = Actor.human(7, "Rita\ud800")
    with pytest.raises(EventSchemaError, match="actor"):
        store.append(stream, [sentence_created(actor=actor)], NO_STREAM)
    assert store.current_version(stream) is None


def _legacy_override(stream_id: uuid.UUID) -> None:
    """An AnalysisOverridden with a lone surrogate in a keyword, as a release before this rule
    recorded it (SQLite's JSON keeps `\\ud800` escaped; PostgreSQL's jsonb never could)."""
    StoredEvent.objects.create(
        event_id=uuid.uuid4(),
        stream=f"Sentence-{stream_id}",
        category="Sentence",
        aggregate_id=stream_id,
        version=0,
        event_type="AnalysisOverridden",
        schema_version=1,
        occurred_at="2026-01-01T00:00:00Z",
        recorded_at="2026-01-01T00:00:00Z",
        actor={"type": "human", "id": "7", "display": "Rita\udc00"},
        correlation_id=uuid.uuid4(),
        causation_id=uuid.uuid4(),
        data={**IDS, "fields": {"overall_keywords": ["ji\ud800ra"]}, "previous": {}, "reason": "r"},
    )


sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'",
    reason="PostgreSQL's jsonb refuses a lone surrogate: no such event can exist there",
)


@pytest.mark.django_db
@sqlite_only
def test_an_event_stored_with_a_lone_surrogate_reads_back_as_text():
    sid = uuid.uuid4()
    _legacy_override(sid)
    [event] = SqlEventStore().read_stream(f"Sentence-{sid}")
    assert event.data["fields"] == {"overall_keywords": [f"ji{REPLACEMENT}ra"]}
    assert event.actor.display == f"Rita{REPLACEMENT}"
    json.dumps(event.as_json_dict(), ensure_ascii=False).encode("utf-8")
    [same] = SqlEventStore().read_all(after=event.position - 1)
    assert same.data == event.data


@pytest.mark.django_db
@sqlite_only
def test_events_tail_json_prints_such_an_event_and_the_ones_after_it():
    sid = uuid.uuid4()
    _legacy_override(sid)
    get_event_store().append(sentence_stream(), [sentence_created()], NO_STREAM)
    out = StringIO()
    call_command("events", "tail", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().encode("utf-8").splitlines()]
    assert [e["event_type"] for e in lines] == ["AnalysisOverridden", "SentenceCreated"]
    assert lines[0]["data"]["fields"]["overall_keywords"] == [f"ji{REPLACEMENT}ra"]
