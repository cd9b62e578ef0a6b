"""Confirming many sentences at once (the API's bulk confirm, the review page's "confirm all").

Each sentence is confirmed at the version its reader was shown, as its own command: one that
changed meanwhile is skipped with the reason, never overwritten, and the others still go through
(docs/architecture.md, Corrections). Plain Python over the bus: callers choose the sentences and
report the outcome.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from commands.aggregates import Interview
from commands.bus import dispatch
from commands.errors import CommandError, InterviewArchived, NotFound, StaleVersion
from commands.messages import ConfirmSentence
from commands.repository import Repository
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
    interview_id: UUID,
    rows: Iterable[tuple[UUID, int]],
    note: str | None,
    store: EventStore | None = None,
) -> BulkOutcome:
    """Confirm each (sentence id, version shown) of `rows`, in order.

    Raises InterviewArchived (nothing confirmed) if the interview is archived: the refusal
    is the interview's, not one sentence's. A refused confirmation (StaleVersion, or any other
    CommandError such as a sentence already confirmed) is recorded in `skipped` with its
    message; it does not stop the others. Should the interview be archived part-way, the rest
    are skipped with that reason.
    """
    if store is None:
        from events.wiring import get_event_store  # Django settings are read only here

        store = get_event_store()
    interview = Repository(store).get(Interview, interview_id)
    if not interview.exists:
        raise NotFound(Interview.aggregate_type, interview_id)
    interview.require_writable()
    confirmed: list[tuple[UUID, int]] = []
    skipped: list[tuple[UUID, str]] = []
    todo = list(rows)
    for done, (sentence_id, version) in enumerate(todo):
        command = ConfirmSentence(
            actor=actor, sentence_id=sentence_id, note=note, expected_version=version
        )
        try:
            result = dispatch(command, store)
        except InterviewArchived as archived:
            skipped.extend((rest, str(archived)) for rest, _ in todo[done:])
            break
        except StaleVersion as stale:
            skipped.append((sentence_id, changed_since(stale)))
            continue
        except CommandError as refused:
            skipped.append((sentence_id, str(refused)))
            continue
        confirmed.append((sentence_id, result.position))
    return BulkOutcome(confirmed, skipped)


def changed_since(stale: StaleVersion) -> str:
    """A stale confirmation's reason in a reviewer's words (the stream name means nothing)."""
    return (
        f"changed since it was shown: you saw version {stale.expected_version},"
        f" it is now at version {stale.current_version}"
    )
