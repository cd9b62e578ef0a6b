"""`python -m bench` (run by `make bench`): every scenario on SQLite, then on PostgreSQL.

DATABASE_URL must name a PostgreSQL server (make bench takes it from tools/postgres.sh); it is
used only to create the separate bench database there. With NEO4J_BOLT_URL set (in the
environment, not .env), the graph projection is measured too, on that Neo4j, whose graph it
replaces (bench.graph). Writes bench/results/latest.json, prints tables, and renders
docs/benchmarks.md from latest.json and bench/results/load.json (bench.render).

`--quick` (or BENCH_QUICK=1) runs the same scenarios on small workloads (bench.modes): a smoke
test of a few minutes, labelled as such wherever its figures appear.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context

from bench import append, baseline, graph, modes, pipeline, projections, render, report
from bench.append import IMPLEMENTATIONS, Params, Runner
from bench.databases import ROOT, Target, fresh_postgres, fresh_sqlite, migrate, setup_django
from bench.report import Comparison
from bench.timing import Measurement
from events.envelope import utcnow


def main(argv: list[str] | None = None) -> None:
    arguments = _parser().parse_args(argv)
    mode = modes.QUICK if arguments.quick else modes.FULL
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: DATABASE_URL must point at a PostgreSQL server (`make bench` sets it)")
    # Before anything of ours runs: how busy the machine already is (other sessions' tests),
    # and which code this is (others may commit while the bench runs).
    load_average_start, commit = os.getloadavg(), report.commit()
    started_at, clock = utcnow(), time.monotonic()
    if mode.quick:
        _log(clock, modes.QUICK_NOTE)
    sections: dict[str, float] = {}
    with _timed_section(sections, "append"):
        comparisons = run(fresh_sqlite(), mode.append, clock)
        postgres = fresh_postgres(server_url)
        comparisons += run(postgres, mode.append, clock)
    with _timed_section(sections, "pipeline"):
        heuristics = [
            run_pipeline(fresh_sqlite(), mode.pipeline, clock),
            run_pipeline(fresh_postgres(server_url), mode.pipeline, clock),
        ]
        openai = pipeline.openai_concurrency(mode.pipeline)
    with _timed_section(sections, "projections"):
        projected = [
            run_projections(fresh_sqlite(), mode.projections, clock),
            run_projections(fresh_postgres(server_url), mode.projections, clock),
        ]
    graphed = None
    if os.environ.get("NEO4J_BOLT_URL"):
        with _timed_section(sections, "graph"):
            graphed = run_graph(fresh_sqlite(), mode.graph, clock)
    else:
        _log(clock, "graph: not measured (NEO4J_BOLT_URL is not set)")
    run_info = report.Run(
        mode=mode.name,
        started_at=started_at,
        commit=commit,
        load_average_start=load_average_start,
        section_seconds=sections,
        total_seconds=time.monotonic() - clock,
    )
    doc = report.document(comparisons, mode.append, postgres, run_info)
    doc["pipeline"] = pipeline.document(heuristics, openai, mode.pipeline)
    doc["projections"] = projections.document(projected, mode.projections)
    if graphed is not None:
        doc["graph"] = graph.document(graphed, mode.graph)
    path = report.write_json(doc)
    if mode.quick:
        print(modes.QUICK_NOTE, end="\n\n")
    print(report.table(comparisons))
    print()
    print(pipeline.table(heuristics, openai))
    print()
    print(projections.table(projected, mode.projections))
    if graphed is not None:
        print()
        print(graph.table(graphed, mode.graph))
    rendered = render.write()
    print(
        f"\n{os.path.relpath(path, ROOT)} and {os.path.relpath(rendered, ROOT)} written;"
        f" the bench took {doc['total_seconds']:.0f}s ("
        + ", ".join(f"{name} {s:.0f}s" for name, s in doc["section_seconds"].items())
        + ")"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="small workloads: a smoke test, not figures (also BENCH_QUICK=1)",
    )
    return parser


@contextmanager
def _timed_section(sections: dict[str, float], name: str) -> Iterator[None]:
    """Record how long a part of the bench took (the full run takes minutes: say where)."""
    started = time.monotonic()
    yield
    sections[name] = time.monotonic() - started


@contextmanager
def migrated_worker(target: Target) -> Iterator[ProcessPoolExecutor]:
    """One spawned process with Django set up for `target`, whose tables it has created."""
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=get_context("spawn"),
        initializer=setup_django,
        initargs=(target.database_url,),
    ) as pool:
        pool.submit(migrate).result()
        yield pool


def run(target: Target, params: Params, clock: float) -> list[Comparison]:
    """All scenarios on one database: migrate it, then store and baseline per scenario."""
    comparisons = []
    # One spawned worker configured for this database runs the sequential scenarios.
    with migrated_worker(target) as pool:
        pool.submit(baseline.create_table, target).result()
        for scenario, function in append.SEQUENTIAL.items():
            in_worker = partial(_in_worker, pool, function, target, params=params)
            comparisons.append(_compare(target, scenario, in_worker, params, clock))
    # The concurrent scenario spawns its own writer processes.
    concurrent = partial(append.concurrent, target, params=params)
    comparisons.append(_compare(target, "concurrent", concurrent, params, clock))
    return comparisons


def run_pipeline(target: Target, params: pipeline.PipelineParams, clock: float) -> dict:
    """The heuristic pipeline on a fresh database, in a worker configured for it."""
    with migrated_worker(target) as pool:
        figures = pool.submit(pipeline.heuristic, target.vendor, params).result()
    _log(
        clock,
        f"{target.vendor:<10} pipeline {figures['pipeline_sentences_per_s']:>9,.0f} sentences/s",
    )
    return figures


def run_projections(target: Target, params: projections.ProjectionParams, clock: float) -> dict:
    """Replay, baseline and command latency of the relational projection on a fresh database,
    in one worker configured for it (the latency runs on the read model the replay built)."""
    with migrated_worker(target) as pool:
        figures = pool.submit(projections.replay, target.vendor, params).result()
        _log(
            clock,
            f"{target.vendor:<10} replay {figures['replay_events_per_s']:>9,.0f} events/s"
            f" ({figures['events']} in {figures['replay_s']:.1f}s, baseline"
            f" {figures['baseline_events_per_s']:,.0f}/s)",
        )
        figures["latency"] = pool.submit(projections.latency, target.vendor, params).result()
    visible = figures["latency"]["visible_ms"]
    _log(
        clock,
        f"{target.vendor:<10} visible p50 {visible['p50']:.1f} ms, p99 {visible['p99']:.1f} ms",
    )
    return figures


def run_graph(target: Target, params: graph.GraphParams, clock: float) -> dict:
    """Batched and event-by-event replays of the graph projection, the log on a fresh database
    (the worker inherits NEO4J_BOLT_URL)."""
    with migrated_worker(target) as pool:
        figures = pool.submit(graph.replay, target.vendor, params).result()
    _log(
        clock,
        f"{target.vendor:<10} graph replay {figures['batched_events_per_s']:>9,.0f} events/s"
        f" ({figures['events']} in {figures['batched_s']:.1f}s), event by event"
        f" {figures['per_event_events_per_s']:,.0f}/s",
    )
    return figures


def _log(clock: float, text: str) -> None:
    print(f"[{time.monotonic() - clock:6.1f}s] {text}", file=sys.stderr, flush=True)


def _in_worker(
    pool: ProcessPoolExecutor,
    function: Runner,
    target: Target,
    implementation: str,
    *,
    params: Params,
) -> Measurement:
    return pool.submit(function, target, implementation, params).result()


def _compare(
    target: Target,
    scenario: str,
    measure: Callable[[str], Measurement],
    params: Params,
    clock: float,
) -> Comparison:
    """Run store and baseline `params.repeats` times each, alternating which goes first."""
    runs: dict[str, list[Measurement]] = {i: [] for i in IMPLEMENTATIONS}
    for repeat in range(params.repeats):
        order = IMPLEMENTATIONS if repeat % 2 == 0 else IMPLEMENTATIONS[::-1]
        for implementation in order:
            m = measure(implementation)
            runs[implementation].append(m)
            _progress(clock, target, scenario, implementation, m)
    description = report.scenario_description(scenario, params)
    return Comparison(target.vendor, scenario, description, runs["store"], runs["baseline"])


def _progress(
    clock: float, target: Target, scenario: str, implementation: str, m: Measurement
) -> None:
    print(
        f"[{time.monotonic() - clock:6.1f}s] {target.vendor:<10} {scenario:<10}"
        f" {implementation:<8} {m.events_per_s:>9,.0f} events/s ({m.events} in {m.seconds:.2f}s)",
        file=sys.stderr,
        flush=True,
    )


if __name__ == "__main__":
    main()
