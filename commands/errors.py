"""The errors a command can end in. Callers map them to answers (HTTP 400/404/409/412, a form
error, a conflict page), so each kind of failure has its own type rather than a message to parse.
"""

from uuid import UUID

from events.envelope import RecordedEvent


class CommandError(Exception):
    """Base class of everything a handler raises on purpose."""


class InvalidCommand(CommandError, ValueError):
    """The command breaks an invariant of its aggregate; the message says which, for a human."""


class OutdatedAnalysis(InvalidCommand):
    """An analysis of a text the sentence no longer has: it was edited while being analysed."""


class InterviewArchived(InvalidCommand):
    """A change to a sentence of an archived interview: archiving makes it read-only, for
    people (every correction, one by one or in bulk) and for the pipeline alike."""


class NothingToConfirm(InvalidCommand):
    """A confirmation of a sentence that has no values yet (no analysis, no override)."""


class NotFound(CommandError, LookupError):
    """The command names an aggregate that has never been created."""

    def __init__(self, aggregate_type: str, aggregate_id: UUID) -> None:
        self.aggregate_type = aggregate_type
        self.aggregate_id = aggregate_id
        super().__init__(f"{aggregate_type} {aggregate_id} does not exist")


class AlreadyExists(CommandError):
    """A creation command names an aggregate that exists with different content.

    Re-running a creation with the *same* content is not an error: system commands are
    idempotent so that a re-run pipeline is safe.
    """

    def __init__(self, aggregate_type: str, aggregate_id: UUID, differences: list[str]) -> None:
        self.aggregate_type = aggregate_type
        self.aggregate_id = aggregate_id
        self.differences = differences
        super().__init__(
            f"{aggregate_type} {aggregate_id} already exists with a different"
            f" {', '.join(differences)}"
        )


class StaleVersion(CommandError):
    """The stream moved on since the caller looked at it (docs/architecture.md, Corrections;
    Standing rule 1).

    Carries what the caller needs to show a conflict instead of overwriting another expert's
    work: the version the stream is at now and exactly the events the caller has not seen.
    Nothing of the failed command was appended, and nothing is ever retried for the caller.
    """

    def __init__(
        self,
        stream: str,
        expected_version: int | None,
        current_version: int | None,
        unseen_events: list[RecordedEvent],
    ) -> None:
        self.stream = stream
        self.expected_version = expected_version  # None: the caller expected no stream
        self.current_version = current_version  # None: the stream does not exist
        self.unseen_events = unseen_events
        seen = "no stream" if expected_version is None else f"version {expected_version}"
        super().__init__(
            f"{stream} changed: you saw {seen}, it is now at version {current_version}"
            f" ({len(unseen_events)} change(s) you have not seen)"
        )
