"""The event store contract, written once; each backend's test module subclasses it.

Subclasses provide a `store` fixture. Every test works on fresh streams and reads `read_all`
only after the head it saw at the start, so the suite also runs against a shared server.
"""

import uuid

import pytest

from events.catalogue import EventSchemaError, UnknownEventType
from events.envelope import Actor, ActorType
from events.store import (
    ANY,
    NO_STREAM,
    ConcurrencyError,
    DuplicateEventError,
    EventFilter,
    EventStore,
)
from tests.factories import (
    new_event,
    project_created,
    project_renamed,
    project_stream,
    sentence_created,
    sentence_stream,
)


def renames(count: int) -> list:
    return [project_renamed(f"n{i}", f"n{i + 1}") for i in range(count)]


class EventStoreContract:
    pytestmark = pytest.mark.contract

    # --- expected versions ------------------------------------------------------------------

    def test_it_creates_a_stream_with_no_stream(self, store: EventStore):
        stream = project_stream()
        result = store.append(stream, [project_created(), *renames(2)], NO_STREAM)
        assert result.version == 2
        assert len(result.positions) == 3
        assert list(result.positions) == sorted(result.positions)
        assert store.current_version(stream) == 2

    def test_it_rejects_no_stream_when_the_stream_exists(self, store: EventStore):
        stream = project_stream()
        store.append(stream, [project_created()], NO_STREAM)
        with pytest.raises(ConcurrencyError) as error:
            store.append(stream, [project_created()], NO_STREAM)
        assert error.value.actual == 0
        assert len(store.read_stream(stream)) == 1

    def test_it_appends_at_the_expected_version(self, store: EventStore):
        stream = project_stream()
        store.append(stream, [project_created()], NO_STREAM)
        result = store.append(stream, renames(2), 0)
        assert result.version == 2
        assert [e.version for e in store.read_stream(stream)] == [0, 1, 2]

    def test_it_rejects_a_stale_expected_version_and_reports_the_actual_one(self, store):
        stream = project_stream()
        store.append(stream, [project_created(), *renames(2)], NO_STREAM)
        with pytest.raises(ConcurrencyError) as error:
            store.append(stream, renames(1), 1)
        assert error.value.actual == 2
        assert error.value.expected == 1
        assert store.current_version(stream) == 2

    def test_it_rejects_an_expected_version_ahead_of_the_stream(self, store: EventStore):
        stream = project_stream()
        store.append(stream, [project_created()], NO_STREAM)
        with pytest.raises(ConcurrencyError):
            store.append(stream, renames(1), 5)

    def test_it_rejects_an_expected_version_on_a_missing_stream(self, store: EventStore):
        stream = project_stream()
        with pytest.raises(ConcurrencyError) as error:
            store.append(stream, [project_created()], 0)
        assert error.value.actual is None
        assert store.current_version(stream) is None

    def test_any_appends_to_new_and_existing_streams(self, store: EventStore):
        stream = project_stream()
        assert store.append(stream, [project_created()], ANY).version == 0
        assert store.append(stream, renames(2), ANY).version == 2

    # --- idempotency and atomicity ----------------------------------------------------------

    def test_re_appending_the_same_events_is_a_no_op(self, store: EventStore):
        stream = project_stream()
        batch = [project_created(), *renames(1)]
        first = store.append(stream, batch, NO_STREAM)
        head = store.head_position()
        # Sent again after a lost answer, with the now stale expected version: same result.
        again = store.append(stream, batch, NO_STREAM)
        assert again == first
        assert store.head_position() == head
        assert len(store.read_stream(stream)) == 2

    def test_a_partly_recorded_batch_is_refused(self, store: EventStore):
        stream = project_stream()
        created = project_created()
        store.append(stream, [created], NO_STREAM)
        with pytest.raises(DuplicateEventError):
            store.append(stream, [created, *renames(1)], ANY)
        assert store.current_version(stream) == 0

    def test_an_event_id_recorded_in_another_stream_is_refused(self, store: EventStore):
        created = project_created()
        store.append(project_stream(), [created], NO_STREAM)
        other = project_stream()
        with pytest.raises(DuplicateEventError):
            store.append(other, [created], NO_STREAM)
        assert store.current_version(other) is None

    def test_a_batch_repeating_an_event_id_is_refused(self, store: EventStore):
        created = project_created()
        stream = project_stream()
        with pytest.raises(DuplicateEventError):
            store.append(stream, [created, created], NO_STREAM)
        assert store.current_version(stream) is None

    def test_an_invalid_event_writes_nothing_of_its_batch(self, store: EventStore):
        stream = project_stream()
        bad = new_event("ProjectUpdated", {"changes": {}})
        with pytest.raises(EventSchemaError):
            store.append(stream, [project_created(), bad], NO_STREAM)
        assert store.current_version(stream) is None

    def test_text_with_a_nul_character_is_refused_alike_everywhere(self, store: EventStore):
        stream = sentence_stream()
        with pytest.raises(EventSchemaError, match="NUL"):
            store.append(stream, [sentence_created(text="Jira\x00 rocks.")], NO_STREAM)
        assert store.current_version(stream) is None

    def test_an_unknown_event_type_is_refused(self, store: EventStore):
        with pytest.raises(UnknownEventType):
            store.append(project_stream(), [new_event("ProjectExploded", {})], ANY)

    def test_an_event_on_the_wrong_kind_of_stream_is_refused(self, store: EventStore):
        with pytest.raises(EventSchemaError, match="belongs to Sentence streams"):
            store.append(project_stream(), [sentence_created()], ANY)

    def test_a_malformed_stream_name_is_refused(self, store: EventStore):
        with pytest.raises(ValueError, match="stream"):
            store.append("Project-not-a-uuid", [project_created()], ANY)

    # --- reading ----------------------------------------------------------------------------

    def test_it_returns_every_envelope_field(self, store: EventStore):
        stream = project_stream()
        actor = Actor.human(42, "maya")
        correlation, causation = uuid.uuid4(), uuid.uuid4()
        event = project_created(actor=actor, correlation_id=correlation, causation_id=causation)
        result = store.append(stream, [event], NO_STREAM)
        [recorded] = store.read_stream(stream)
        assert recorded.event_id == event.event_id
        assert recorded.event_type == "ProjectCreated"
        assert recorded.schema_version == 2
        assert recorded.stream == stream
        assert recorded.aggregate_type == "Project"
        assert str(recorded.aggregate_id) == stream.removeprefix("Project-")
        assert recorded.version == 0
        assert recorded.position == result.position
        assert recorded.actor == actor
        assert recorded.actor.type is ActorType.HUMAN
        assert recorded.correlation_id == correlation
        assert recorded.causation_id == causation
        assert abs((recorded.occurred_at - event.occurred_at).total_seconds()) < 0.001
        assert recorded.recorded_at >= recorded.occurred_at.replace(microsecond=0)
        assert recorded.data == {
            "name": "Demo",
            "slug": "demo",
            "domain_keywords": ["Jira", "Scrum"],
        }

    def test_a_stream_reads_in_version_order_from_a_version_with_a_limit(self, store):
        stream = project_stream()
        store.append(stream, [project_created()], NO_STREAM)
        for version in range(4):
            store.append(stream, renames(1), version)
        assert [e.version for e in store.read_stream(stream)] == [0, 1, 2, 3, 4]
        assert [e.version for e in store.read_stream(stream, from_version=2)] == [2, 3, 4]
        assert [e.version for e in store.read_stream(stream, from_version=1, limit=2)] == [1, 2]
        assert store.read_stream(project_stream()) == []

    def test_one_event_is_read_by_its_stream_and_id(self, store: EventStore):
        stream, other = project_stream(), project_stream()
        created, renamed = project_created(), project_renamed("Demo", "Next")
        store.append(stream, [created, renamed], NO_STREAM)
        store.append(other, [project_created()], NO_STREAM)
        assert store.read_event(stream, renamed.event_id) == store.read_stream(stream)[1]
        assert store.read_event(stream, uuid.uuid4()) is None
        assert store.read_event(other, renamed.event_id) is None  # ids are looked up per stream
        assert store.read_event(project_stream(), created.event_id) is None  # no such stream

    def test_read_all_keeps_global_append_order_across_streams(self, store: EventStore):
        start = store.head_position()
        a, b = project_stream(), sentence_stream()
        appended = [
            *store.append(a, [project_created()], NO_STREAM).positions,
            *store.append(b, [sentence_created()], NO_STREAM).positions,
            *store.append(a, renames(2), 0).positions,
        ]
        events = store.read_all(after=start)
        assert [e.position for e in events] == appended
        assert [e.stream for e in events] == [a, b, a, a]
        assert store.head_position() == appended[-1]

    def test_read_all_pages_with_after_and_limit(self, store: EventStore):
        start = store.head_position()
        stream = project_stream()
        positions = store.append(stream, [project_created(), *renames(4)], NO_STREAM).positions
        first = store.read_all(after=start, limit=2)
        rest = store.read_all(after=first[-1].position)
        assert [e.position for e in first + rest] == list(positions)

    def test_read_all_filters_by_event_type_and_category(self, store: EventStore):
        start = store.head_position()
        p, s = project_stream(), sentence_stream()
        store.append(p, [project_created(), *renames(1)], NO_STREAM)
        store.append(s, [sentence_created()], NO_STREAM)
        by_type = store.read_all(after=start, filter=EventFilter.of(event_types=["ProjectUpdated"]))
        assert [(e.stream, e.event_type) for e in by_type] == [(p, "ProjectUpdated")]
        by_category = store.read_all(after=start, filter=EventFilter.of(categories=["Sentence"]))
        assert [e.stream for e in by_category] == [s]
        both = store.read_all(
            after=start,
            filter=EventFilter.of(event_types=["ProjectCreated"], categories=["Sentence"]),
        )
        assert both == []

    # --- subscription -----------------------------------------------------------------------

    def test_a_subscription_catches_up_then_follows_new_events(self, store: EventStore):
        start = store.head_position()
        stream = project_stream()
        store.append(stream, [project_created()], NO_STREAM)
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            # Called only once the subscription has caught up: new events arrive meanwhile.
            waits.append(seconds)
            if len(waits) == 2:
                store.append(stream, renames(2), 0)

        seen = []
        for event in store.subscribe(
            after=start,
            filter=EventFilter.of(categories=["Project"]),
            min_wait=0.01,
            max_wait=0.05,
            sleep=sleep,
        ):
            seen.append((event.stream, event.version))
            if len(seen) == 3:
                break
        assert seen == [(stream, 0), (stream, 1), (stream, 2)]
        assert waits == [0.01, 0.02]  # backs off while idle
