"""Graph projection figures: how fast the Neo4j read model is rebuilt from the
log, batched (the projection as it runs) against event by event (the naive projector), measured
in the same run on the same history. Runs only when NEO4J_BOLT_URL names a Neo4j, whose graph
it REPLACES (a read model: `manage.py replay graph` rebuilds it from the log afterwards).

In a worker whose Django is set up for a fresh, migrated SQLite bench database:

- the history of bench.events_workload (`interviews` x 150 sentences, analysed, partly re-run,
  then edited / overridden / reverted / confirmed by experts: >= 50,000 events) is written to
  the event store;
- batched: the graph is reset, then `ProjectionRunner(GraphProjection(), lanes=12,
  batch_size=1000)` runs from event 0 to the head: per lane and batch, one query per label
  loads the nodes, the aggregates replay the events in Python, a few UNWIND statements write
  nodes and links, and the checkpoint moves, in one Neo4j transaction;
- event by event: the graph is reset again, and the same runner applies the same log with
  `GraphProjection(per_event=True)`: every event in its own transaction with its own statements
  and checkpoint move. It stops after `per_event_budget_s` (at a batch boundary) if the whole
  log takes longer, and the comparison is then made on the prefix both applied: the batched
  run's time to the same position is known, as both record the time of every batch.

Reported: events/s of each, batched over event by event, and both digests when both applied the
whole log (they must be equal: the same graph either way).
"""

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.events_workload import History, HistorySize
from bench.projections import written_history
from bench.report import aligned


@dataclass(frozen=True)
class GraphParams:
    """Counts of the graph scenario (written to the JSON beside the figures)."""

    history: HistorySize = field(default_factory=lambda: HistorySize(interviews=100))
    lanes: int = 12
    batch_size: int = 1000
    # The event-by-event run stops at the first batch boundary after this many seconds.
    per_event_budget_s: float = 600.0
    # The history must be at least this long (a replay figure needs >= 50,000 events; the quick
    # mode's smoke test sets 0).
    min_events: int = 50_000


def replay(vendor: str, params: GraphParams) -> dict[str, Any]:
    """Write the history, then time a batched and an event-by-event replay (in a worker)."""
    history, figures = written_history(params.history)
    events = len(history.events)
    if events < params.min_events:
        raise RuntimeError(f"the history has {events} events, fewer than {params.min_events}")
    batched = _timed_replay(params, history, per_event=False, budget_s=None)
    per_event = _timed_replay(params, history, per_event=True, budget_s=params.per_event_budget_s)
    prefix = per_event["events"]
    batched_prefix_s = batched["progress"][prefix]
    per_event_s = per_event["progress"][prefix]
    return {
        "database": vendor,
        "neo4j": _server_version(),
        **figures,
        "nodes": batched["nodes"],
        "batched_events_per_s": round(events / batched["seconds"], 1),
        "batched_s": round(batched["seconds"], 3),
        "per_event_events": prefix,
        "per_event_complete": prefix == events,
        "per_event_events_per_s": round(prefix / per_event_s, 1),
        "per_event_s": round(per_event_s, 3),
        "batched_same_events_s": round(batched_prefix_s, 3),
        "ratio_batched_over_per_event": round(per_event_s / batched_prefix_s, 2),
        "digests_equal": (batched["digest"] == per_event["digest"]) if prefix == events else None,
    }


def _timed_replay(
    params: GraphParams, history: History, *, per_event: bool, budget_s: float | None
) -> dict[str, Any]:
    """Reset the graph and apply the log from event 0; the seconds at each batch boundary."""
    from events.sql_store import SqlEventStore
    from graph.projection import GraphProjection
    from projections.runner import ProjectionRunner

    projection = GraphProjection(per_event=per_event)
    projection.reset()
    runner = ProjectionRunner(
        projection, SqlEventStore(), lanes=params.lanes, batch_size=params.batch_size
    )
    progress = {0: 0.0}  # events read -> seconds since the start
    read = 0
    started = time.perf_counter()
    while count := runner.process_batch():
        read += count
        progress[read] = time.perf_counter() - started
        if budget_s is not None and progress[read] > budget_s:
            break
    seconds = progress[read]
    events = len(history.events)
    if runner.parked or runner.applied != read:
        raise RuntimeError(f"applied {runner.applied} of {read} events, parked {runner.parked}")
    complete = read == events
    nodes = projection.counts()
    if complete and nodes["Sentence"] != history.sentences:
        raise RuntimeError(f"{nodes['Sentence']} Sentence nodes of {history.sentences}")
    return {
        "events": read,
        "seconds": seconds,
        "progress": progress,
        "nodes": nodes,
        "digest": projection.digest() if complete else None,
    }


def _server_version() -> str:
    """What the server says it is, e.g. "Neo4j/5.26.2" (for the machine section)."""
    from graph.connection import graph_driver

    return graph_driver().get_server_info().agent


def document(result: dict[str, Any], params: GraphParams) -> dict[str, Any]:
    """The "graph" section of latest.json."""
    return {
        "description": __doc__,
        "sizes": asdict(params),
        "figures": (
            "batched_* over the whole history; per_event_* over the first per_event_events"
            " events (all of them when per_event_complete); ratio_batched_over_per_event is"
            " per_event_s / batched_same_events_s, the batched run's time to the same position"
        ),
        "result": result,
    }


def table(result: dict[str, Any], params: GraphParams) -> str:
    head = ("database", "history", "batched ev/s", "event-by-event ev/s", "over", "batched/e-b-e")
    over = f"{result['per_event_events']:,}" + ("" if result["per_event_complete"] else " (part)")
    row = (
        result["database"],
        f"{result['events']:,} events, {params.history.interviews}x"
        f"{params.history.sentences} sentences",
        f"{result['batched_events_per_s']:,.0f}",
        f"{result['per_event_events_per_s']:,.0f}",
        over,
        f"{result['ratio_batched_over_per_event']:.1f}x",
    )
    note = (
        f"graph (Neo4j) replay: {params.lanes} lanes, batches of {params.batch_size};"
        f" event by event: one transaction per event, budget {params.per_event_budget_s:.0f}s"
    )
    return f"{aligned(head, [row])}\n{note}"


def main() -> None:
    """`python -m bench.graph`: this scenario alone, printed (latest.json is left alone)."""
    import json
    import os
    import sys

    from bench.__main__ import run_graph
    from bench.databases import fresh_sqlite

    if not os.environ.get("NEO4J_BOLT_URL"):
        sys.exit("bench.graph: set NEO4J_BOLT_URL to a Neo4j whose graph may be replaced")
    params = GraphParams()
    result = run_graph(fresh_sqlite(), params, time.monotonic())
    print(json.dumps(document(result, params)["result"], indent=2))
    print(table(result, params))


if __name__ == "__main__":
    main()
