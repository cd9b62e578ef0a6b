"""The graph projection: the Neo4j read model and its lane checkpoints, in one Neo4j transaction
per lane batch; parked events in the Django database beside the relational projection's.

- `apply(lane, events)`: load the nodes the events touch (one query per label), replay the
  events on their aggregates in Python (graph.projector), write the resulting nodes and links
  with a few UNWIND statements and move the lane's `(:LaneCheckpoint)` — all in one managed
  transaction (the driver retries it on deadlocks and other transient errors).
- `per_event=True` commits every event on its own, with its own statements and checkpoint move:
  the naive projector, kept as the benchmark's baseline (bench/graph.py). The events before a
  failing one are then kept, which the version guards make harmless.
- Parking: the ParkedEvent row is written first (record_parked: idempotent), then the
  interview is marked blocked and the checkpoint moved in one Neo4j transaction. A crash in
  between re-parks the same event on restart, a no-op.
- Neo4j (or the Django database) not answering is ProjectionUnavailable: wait, never park.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from neo4j import ManagedTransaction, Session
from neo4j.exceptions import Neo4jError, TransientError

from events.envelope import RecordedEvent
from graph import cypher
from graph.connection import GraphUnavailable, graph_session
from graph.digest import graph_counts, graph_digest
from graph.projector import GraphBatch, ids_of
from graph.schema import ensure_schema
from projections.models import ParkedEvent
from projections.outages import database_outage_guard
from projections.parking import has_parked, mark_resolved, record_parked
from projections.port import ApplyFailed, Projection, ProjectionUnavailable
from projections.runner import format_traceback

T = TypeVar("T")


class GraphProjection(Projection):
    name = "graph"
    # Without Neo4j the API and the UI serve everything but the graph queries, which answer
    # 503 themselves: the web processes stay ready (in the load balancer).
    essential = False

    def __init__(self, *, per_event: bool = False) -> None:
        self.per_event = per_event

    def stored_checkpoints(self) -> dict[int, int]:
        return {lane: position for lane, (position, _) in self.checkpoint_rows().items()}

    def checkpoint_rows(self) -> dict[int, tuple[int, datetime | None]]:
        """(position, when it last moved) per lane that has a checkpoint."""

        def read(tx: ManagedTransaction) -> dict[int, tuple[int, datetime | None]]:
            rows = tx.run(cypher.CHECKPOINTS, projection=self.name)
            return {
                r["lane"]: (r["position"], r["updated_at"] and r["updated_at"].to_native())
                for r in rows
            }

        return self._run(read, write=False)

    def checkpoint_moved(self) -> dict[int, datetime]:
        return {lane: moved for lane, (_, moved) in self.checkpoint_rows().items() if moved}

    def apply(self, lane: int, events: Sequence[RecordedEvent]) -> None:
        if not events:
            return
        if not self.per_event:
            self._apply(events, lane)
            return
        for offset, event in enumerate(events):
            try:
                self._apply([event], lane)
            except ApplyFailed as failure:
                raise ApplyFailed(offset, failure.error, failure.traceback) from failure.error

    def _apply(self, events: Sequence[RecordedEvent], lane: int | None) -> None:
        """Apply `events` (and move `lane`'s checkpoint, unless None) in one transaction."""

        def work(tx: ManagedTransaction) -> None:
            batch = GraphBatch(cypher.load(tx, ids_of(events)))
            for index, event in enumerate(events):
                try:
                    batch.apply(event)
                except Exception as e:
                    raise ApplyFailed(index, e, format_traceback(e)) from e
            order = cypher.sentence_order(tx, batch.new_sentences_by_interview())
            cypher.write(tx, batch.changes(order))
            if lane is not None:
                cypher.move_checkpoints(tx, self.name, [lane], events[-1].position)

        try:
            self._run(work)
        except (ApplyFailed, ProjectionUnavailable):
            raise
        except Neo4jError as e:
            # The statements write the whole batch at once: they cannot say which event broke
            # a constraint; the runner then applies the events one by one to find it.
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
        with _database_outage_guard(), transaction.atomic():
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

        def work(tx: ManagedTransaction) -> None:
            if interview_id := _interview_of(key):
                tx.run(cypher.SET_BLOCKED, id=interview_id, blocked=True).consume()
            cypher.move_checkpoints(tx, self.name, [lane], event.position)

        self._run(work)
        return parked.id

    def apply_parked(self, event: RecordedEvent, parked_id: int) -> None:
        # Applied first (version guards make a second time harmless), resolved second: a crash
        # in between leaves it parked, and retrying it then only marks it resolved.
        self._apply([event], None)
        with _database_outage_guard(), transaction.atomic():
            parked = mark_resolved(parked_id)
        self.refresh_blocked(parked.blocking_key)

    def refresh_blocked(self, key: str) -> None:
        interview_id = _interview_of(key)
        if interview_id is None:
            return  # project nodes carry no blocked mark

        def work(tx: ManagedTransaction) -> None:
            # Lock the node, then look: a runner parking an event of this interview meanwhile
            # has written its ParkedEvent row before it waits for this lock to mark it blocked,
            # so the mark ends true either way.
            tx.run(cypher.LOCK_INTERVIEW, id=interview_id).consume()
            with _database_outage_guard():
                waiting = has_parked(self.name, key)
            tx.run(cypher.SET_BLOCKED, id=interview_id, blocked=waiting).consume()

        self._run(work)

    def advance_lanes(self, lanes: Sequence[int], position: int) -> None:
        self._run(lambda tx: cypher.move_checkpoints(tx, self.name, lanes, position))

    def relayout(self, lanes: int, position: int) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.DROP_LANES, projection=self.name, lanes=lanes).consume()
            cypher.move_checkpoints(tx, self.name, range(lanes), position)

        self._run(work)

    def reset(self) -> None:
        """Checkpoints first, then the nodes (in chunks: one transaction could not hold a large
        graph), then the parked events. Interrupted, a replay starts over with reset()."""
        with self._session() as session:
            session.run(cypher.DELETE_CHECKPOINTS, projection=self.name).consume()
            for statement in cypher.DELETE_CONTENT:
                session.run(statement).consume()
        with _database_outage_guard():
            ParkedEvent.objects.filter(projection=self.name).delete()

    def digest(self) -> str:
        with _graph_outage_guard():
            return graph_digest()

    def counts(self) -> dict[str, int]:
        with _graph_outage_guard():
            return graph_counts()

    # --- Neo4j --------------------------------------------------------------------------------

    def _run(self, work: Callable[[ManagedTransaction], T], *, write: bool = True) -> T:
        """`work` in one managed transaction."""
        with self._session() as session:
            execute = session.execute_write if write else session.execute_read
            return execute(work)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session, once the schema exists; Neo4j not answering is ProjectionUnavailable."""
        with _graph_outage_guard():
            ensure_schema()
            with graph_session() as session:
                yield session


def _interview_of(key: str) -> str | None:
    kind, _, raw_id = key.partition("-")
    return raw_id if kind == "Interview" else None


@contextmanager
def _graph_outage_guard() -> Iterator[None]:
    """Neo4j not answering (or only transiently failing, even after the driver's retries) is an
    outage of the read model's store: ProjectionUnavailable."""
    try:
        yield
    except GraphUnavailable as e:
        raise ProjectionUnavailable(f"the graph: {e}") from e
    except TransientError as e:
        raise ProjectionUnavailable(f"the graph, transiently: {e}") from e


def _database_outage_guard() -> AbstractContextManager[None]:
    """The Django database keeps the parked events: its outages are waited out too."""
    return database_outage_guard("the parked events' database")
