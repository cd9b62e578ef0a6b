"""The Projection port: what the runner needs from a read model (relational now, graph later).

Contract:
- `apply(lane, events)` applies `events` (all routed to `lane`, in log order) and moves the
  lane's checkpoint to the last one's position — atomically: all of it or none of it.
  An event that cannot be applied raises `ApplyFailed` with its index; nothing of the call is
  kept. A store the projection writes to being unreachable raises `ProjectionUnavailable`:
  that is an outage to wait out, never a reason to park an event.
- Applying an event at or below its row's stored stream version changes nothing (version
  guards), so re-applying after a crash is harmless.
- `park(lane, event, ...)` records the event as parked and moves the checkpoint past it,
  atomically; parking an event twice is a no-op.
- `checkpoints` never go backwards: a move to a lower position is ignored.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from events.envelope import RecordedEvent


class ProjectionUnavailable(Exception):
    """The read model's store cannot be reached; try the same events again later."""


class ApplyFailed(Exception):
    """Event `index` of the batch could not be applied; nothing of the batch was kept.

    `index` -1: some event of the batch broke it, the projection cannot tell which.
    """

    def __init__(self, index: int, error: BaseException, traceback: str) -> None:
        super().__init__(f"event {index} of the batch failed: {type(error).__name__}: {error}")
        self.index = index
        self.error = error
        self.traceback = traceback


class Projection(ABC):
    name: str
    # Whether the product needs this read model to serve: when its store does not answer, the
    # service is not ready. A non-essential one (the graph) only loses its own features.
    essential: bool = True

    @abstractmethod
    def stored_checkpoints(self) -> dict[int, int]:
        """Position per lane, for the lanes that have a checkpoint."""

    def checkpoints(self, lanes: int) -> dict[int, int]:
        """Position per lane (0 for a lane that never ran), for lanes 0..lanes-1."""
        stored = self.stored_checkpoints()
        return {lane: stored.get(lane, 0) for lane in range(lanes)}

    def checkpoint_moved(self) -> dict[int, datetime]:
        """When each lane's checkpoint last moved, where the projection records it: a lane
        that is behind and has not moved for a while is stalled (health)."""
        return {}

    @abstractmethod
    def apply(self, lane: int, events: Sequence[RecordedEvent]) -> None:
        """Apply `events` and set the lane's checkpoint to the last position, atomically."""

    @abstractmethod
    def park(
        self,
        lane: int,
        event: RecordedEvent,
        *,
        key: str,
        error: str,
        traceback: str,
        attempts: int,
        behind: int | None,
    ) -> int:
        """Record `event` as parked (behind parked event id `behind`, if any), mark its
        interview blocked, move the checkpoint past it; return the parked event's id."""

    @abstractmethod
    def advance_lanes(self, lanes: Sequence[int], position: int) -> None:
        """Move these lanes' checkpoints up to `position`: they have handled everything there."""

    @abstractmethod
    def apply_parked(self, event: RecordedEvent, parked_id: int) -> None:
        """Apply a parked event (its lane's checkpoint is past it already) and mark it resolved,
        atomically; the interview (or project) stays marked blocked exactly as long as any of
        its events is still parked — decided in the same transaction, so an event the runner
        parks meanwhile keeps it blocked. Raises ApplyFailed if it still cannot be applied,
        keeping nothing."""

    @abstractmethod
    def refresh_blocked(self, key: str) -> None:
        """Mark an interview (or project) blocked if any of its events is parked, else not."""

    @abstractmethod
    def relayout(self, lanes: int, position: int) -> None:
        """Use `lanes` lanes from now on, all at `position` (every lane was there already)."""

    @abstractmethod
    def reset(self) -> None:
        """Forget everything: the read model, the checkpoints, the parked events (replay)."""

    @abstractmethod
    def digest(self) -> str:
        """A hash of the read model's whole content: equal content, equal digest."""

    def counts(self) -> dict[str, int]:
        """Rows (or nodes) per kind, for operators comparing read models."""
        return {}
