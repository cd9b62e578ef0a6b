"""Confirming many sentences at once (the API's bulk confirm, the review page's "confirm all").

Each sentence is confirmed at the version its reader was shown, as its own command: one that
changed meanwhile is skipped with the reason, never overwritten, and the others still go through
(SPEC 6). Plain Python over the bus: callers choose the sentences and report the outcome.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from commands.bus import dispatch
from commands.errors import CommandError
from commands.messages import ConfirmSentence
from events.envelope import Actor
from events.store import EventStore


@dataclass(frozen=True)
class BulkOutcome:
    confirmed: list[tuple[UUID, int]]  # sentence id, position of its SentenceReviewed event
    skipped: list[tuple[UUID, str]]  # sentence id, why it was not confirmed

    @property
    def position(self) -> int | None:
        """The position to wait for before the read model shows every confirmation."""
        return max((position for _, position in self.confirmed), default=None)


def confirm_sentences(
    *,
    actor: Actor,
    rows: Iterable[tuple[UUID, int]],
    note: str | None,
    store: EventStore | None = None,
) -> BulkOutcome:
    """Confirm each (sentence id, version shown) of `rows`, in order.

    A refused confirmation (StaleVersion, or any other CommandError such as a sentence already
    confirmed) is recorded in `skipped` with its message; it does not stop the others.
    """
    confirmed: list[tuple[UUID, int]] = []
    skipped: list[tuple[UUID, str]] = []
    for sentence_id, version in rows:
        command = ConfirmSentence(
            actor=actor, sentence_id=sentence_id, note=note, expected_version=version
        )
        try:
            result = dispatch(command, store)
        except CommandError as refused:  # StaleVersion is one
            skipped.append((sentence_id, str(refused)))
            continue
        confirmed.append((sentence_id, result.position))
    return BulkOutcome(confirmed, skipped)
