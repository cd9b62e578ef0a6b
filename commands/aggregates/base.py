"""What every aggregate shares: rebuilding from events, and recording new ones.

An aggregate changes state *only* by applying events — the ones it replays from its stream and
the ones it records itself — so the state a handler ends with and the state rebuilt from the
store later are the same by construction (the property tests check it).
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar, Self
from uuid import UUID, uuid5

from commands.errors import AlreadyExists, InvalidCommand, NotFound
from events import catalogue
from events.envelope import Actor, NewEvent, RecordedEvent, stream_name


class Unchanged(Enum):
    """Marks a field an update command leaves alone; None cannot, as some fields may be cleared."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def required_text(value: str, what: str) -> str:
    """`value` without surrounding whitespace; blank values are refused."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(f"{what} must not be blank")
    return value.strip()


def optional_text(value: str | None) -> str | None:
    """`value` without surrounding whitespace; blank means absent."""
    if value is None:
        return None
    return value.strip() or None


@dataclass(frozen=True)
class Cause:
    """The envelope facts every recorded event inherits from the command that caused it.

    The actor comes only from here, i.e. from the command's `actor` field, which the edge
    fills from the authenticated user — never from a header or payload
    (docs/architecture.md, Corrections; Standing rule 2).
    """

    actor: Actor
    command_id: UUID
    correlation_id: UUID
    event_id: UUID | None = None  # an explicit id for the command's first event

    def event_id_for(self, stream: str, sequence: int) -> UUID:
        # Derived from the command id rather than random: sending the same command twice
        # (a client retry after a lost answer) produces the same event ids, and the store turns
        # the second append into a no-op. The stream is part of the name so one command id
        # can never collide with itself in two streams.
        if sequence == 0 and self.event_id is not None:
            return self.event_id
        return derived_event_id(self.command_id, stream, sequence)


def derived_event_id(command_id: UUID, stream: str, sequence: int) -> UUID:
    """The id of the `sequence`-th event a command records in `stream` (when not given)."""
    return uuid5(command_id, f"{stream}/{sequence}")


def new_event(
    cause: Cause, stream: str, sequence: int, event_type: str, data: Mapping[str, Any]
) -> NewEvent:
    """The one place a NewEvent is built, so no event leaves without actor and causation."""
    return NewEvent(
        event_type=event_type,
        data=data,
        actor=cause.actor,
        correlation_id=cause.correlation_id,
        causation_id=cause.command_id,
        event_id=cause.event_id_for(stream, sequence),
    )


@dataclass(kw_only=True)
class Aggregate:
    """Base of Project, Interview and Sentence.

    `version` is the version of the last *stored* event applied (None: nothing stored yet);
    `pending` holds recorded events not yet appended. Equality compares state and version only,
    which is what "rebuilt from the store gives the same aggregate" means.
    """

    aggregate_type: ClassVar[str]

    id: UUID
    version: int | None = None
    pending: list[NewEvent] = field(default_factory=list, compare=False, repr=False)

    @property
    def stream(self) -> str:
        return stream_name(self.aggregate_type, self.id)

    @property
    def exists(self) -> bool:
        return self.version is not None or bool(self.pending)

    @classmethod
    def rebuild(cls, aggregate_id: UUID, events: list[RecordedEvent]) -> Self:
        aggregate = cls(id=aggregate_id)
        for event in events:
            aggregate.replay(event)
        return aggregate

    def replay(self, event: RecordedEvent) -> None:
        """Apply one stored event (in version order) and advance `version`."""
        expected = 0 if self.version is None else self.version + 1
        if event.version != expected:
            # A gap would mean state built from a partial stream; never decide on that.
            raise ValueError(f"{self.stream}: got version {event.version}, expected {expected}")
        self._apply(event.event_type, event.data)
        self.version = event.version

    def mark_saved(self, version: int) -> None:
        """The pending events are in the store now, the last one at `version`."""
        self.pending.clear()
        self.version = version

    def _record(self, event_type: str, data: Mapping[str, Any], cause: Cause) -> None:
        # Validate and normalise through the catalogue first and apply the JSON-ready result:
        # the state then matches what a replay of the stored (JSON) event produces.
        clean = self._validated(event_type, data)
        self._apply(event_type, copy.deepcopy(clean))
        self.pending.append(new_event(cause, self.stream, len(self.pending), event_type, clean))

    def _create(self, event_type: str, data: Mapping[str, Any], cause: Cause) -> None:
        """Record the creation event, or do nothing if the aggregate exists with this content.

        System commands are re-run freely (docs/architecture.md, Corrections): a pipeline that runs
        twice must not fail, but it must not silently keep a *different* aggregate under the same id
        either.
        """
        clean = self._validated(event_type, data)
        if not self.exists:
            self._record(event_type, clean, cause)
            return
        current = self._creation_data()
        differences = sorted(name for name, value in clean.items() if current.get(name) != value)
        if differences:
            raise AlreadyExists(self.aggregate_type, self.id, differences)

    def _creation_data(self) -> dict[str, Any]:
        """The state a creation event set, shaped like its (JSON) data, for idempotency checks."""
        raise NotImplementedError

    def _validated(self, event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            _, clean = catalogue.validate(event_type, data, aggregate_type=self.aggregate_type)
        except catalogue.EventSchemaError as e:
            raise InvalidCommand(str(e)) from e
        return clean

    def _require_exists(self) -> None:
        if not self.exists:
            raise NotFound(self.aggregate_type, self.id)

    def _apply(self, event_type: str, data: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _unknown(self, event_type: str) -> ValueError:
        return ValueError(f"{self.aggregate_type} cannot apply {event_type}")
