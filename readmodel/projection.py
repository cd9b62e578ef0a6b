"""The relational projection: the read model's rows, its lane checkpoints and its parked events,
all in the Django database, so each lane's changes and checkpoint commit in one transaction."""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Now

from events.envelope import RecordedEvent
from projections.models import LaneCheckpoint, ParkedEvent
from projections.outages import DATABASE_OUTAGES, database_outage_guard
from projections.parking import has_parked, mark_resolved, record_parked
from projections.port import ApplyFailed, Projection
from projections.runner import format_traceback
from readmodel import models as rm
from readmodel.digest import digest_counts, relational_digest
from readmodel.projector import BatchRows, apply_event, recount

OUTAGES = DATABASE_OUTAGES


class RelationalProjection(Projection):
    name = "relational"

    def stored_checkpoints(self) -> dict[int, int]:
        with _outage_guard():
            rows = LaneCheckpoint.objects.filter(projection=self.name)
            return dict(rows.values_list("lane", "position"))

    def checkpoint_moved(self) -> dict[int, datetime]:
        with _outage_guard():
            rows = LaneCheckpoint.objects.filter(projection=self.name)
            return dict(rows.values_list("lane", "updated_at"))

    def apply(self, lane: int, events: Sequence[RecordedEvent]) -> None:
        if not events:
            return
        with _outage_guard():
            try:
                with transaction.atomic():
                    rows = BatchRows(events)
                    for index, event in enumerate(events):
                        try:
                            apply_event(rows, event)
                        except OUTAGES:
                            raise
                        except Exception as e:
                            raise ApplyFailed(index, e, format_traceback(e)) from e
                    rows.flush()
                    recount(rows.interviews_touched)
                    self._move(lane, events[-1].position)
            except (ApplyFailed, *OUTAGES):
                raise
            except DatabaseError as e:
                # Written in bulk at the end, the rows cannot say which event broke a constraint;
                # the runner then applies the events one by one to find it.
                raise ApplyFailed(0 if len(events) == 1 else -1, e, format_traceback(e)) from e

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
        with _outage_guard(), transaction.atomic():
            parked = record_parked(
                self.name,
                lane,
                event,
                key=key,
                error=error,
                traceback=traceback,
                attempts=attempts,
                behind=behind,
            )
            _set_blocked(key, True)
            self._move(lane, event.position)
        return parked.id

    def apply_parked(self, event: RecordedEvent, parked_id: int) -> None:
        with _outage_guard(), transaction.atomic():
            rows = BatchRows([event])
            try:
                apply_event(rows, event)
                rows.flush()
            except OUTAGES:
                raise
            except Exception as e:
                raise ApplyFailed(0, e, format_traceback(e)) from e
            recount(rows.interviews_touched)
            parked = mark_resolved(parked_id)
            # Also re-marks the rows this retry created while others still wait.
            self._refresh_blocked(parked.blocking_key)

    def refresh_blocked(self, key: str) -> None:
        with _outage_guard(), transaction.atomic():
            self._refresh_blocked(key)

    def relayout(self, lanes: int, position: int) -> None:
        with _outage_guard(), transaction.atomic():
            LaneCheckpoint.objects.filter(projection=self.name, lane__gte=lanes).delete()
            self._move_all(range(lanes), position)

    def _refresh_blocked(self, key: str) -> None:
        _set_blocked(key, has_parked(self.name, key))

    def advance_lanes(self, lanes: Sequence[int], position: int) -> None:
        with _outage_guard(), transaction.atomic():
            self._move_all(lanes, position)

    def reset(self) -> None:
        with _outage_guard(), transaction.atomic():
            rm.Sentence.objects.all().delete()
            rm.Interview.objects.all().delete()
            rm.Project.objects.all().delete()
            LaneCheckpoint.objects.filter(projection=self.name).delete()
            ParkedEvent.objects.filter(projection=self.name).delete()

    def digest(self) -> str:
        return relational_digest()

    def counts(self) -> dict[str, int]:
        return digest_counts()

    def _move_all(self, lanes: Sequence[int], position: int) -> None:
        """`_move` for many lanes in one UPDATE (plus inserts for lanes never recorded)."""
        rows = LaneCheckpoint.objects.filter(projection=self.name, lane__in=list(lanes))
        rows.filter(position__lt=position).update(position=position, updated_at=Now())
        missing = set(lanes) - set(rows.values_list("lane", flat=True))
        LaneCheckpoint.objects.bulk_create(
            [
                LaneCheckpoint(projection=self.name, lane=lane, position=position)
                for lane in sorted(missing)
            ]
        )

    def _move(self, lane: int, position: int) -> None:
        """Raise the lane's checkpoint to `position`; never lower it."""
        # `update()` skips auto_now: the time is set here, as stall detection reads it.
        updated = LaneCheckpoint.objects.filter(projection=self.name, lane=lane).update(
            position=Greatest(F("position"), position), updated_at=Now()
        )
        if not updated:
            LaneCheckpoint.objects.create(projection=self.name, lane=lane, position=position)


def _set_blocked(key: str, blocked: bool) -> None:
    kind, _, raw_id = key.partition("-")
    if kind != "Interview":
        return  # project rows carry no blocked mark
    rm.Interview.objects.filter(id=raw_id).update(blocked=blocked)
    rm.Sentence.objects.filter(interview_id=raw_id).update(blocked=blocked)


def _outage_guard() -> AbstractContextManager[None]:
    return database_outage_guard("the read model's database")
