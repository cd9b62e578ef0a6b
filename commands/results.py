"""What a handled command answers: enough for an API to reply 202 and for a reader to wait
until projections have caught up with the command's events (docs/architecture.md, Projections,
read-your-writes)."""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class CommandResult:
    stream: str
    aggregate_id: UUID
    event_ids: tuple[UUID, ...]
    version: int  # the stream version of the command's (last) event
    position: int  # its global position in the store
    # True when nothing new was appended: the command (or a creation with the same content)
    # had already been handled, and the ids, version and position are those of that time.
    already_recorded: bool = False
