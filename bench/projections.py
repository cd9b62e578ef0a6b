"""Projection figures: how fast the relational read model is rebuilt from the log, and
how soon a command's change can be read with the projector running. Per database, in a worker
whose Django is set up for a fresh, migrated bench database:

- replay: the ~100k-event history of bench.events_workload (200 interviews x 150 sentences,
  analysed, partly re-run, then edited / overridden / reverted / confirmed by experts) is
  written to the event store; then, `replays` times, the projection is reset and
  `ProjectionRunner(relational, lanes=12, batch_size=1000).catch_up()` is timed from event 0 to
  the head (reading the log, routing to lanes, replaying each row's aggregate, bulk writes,
  counters, checkpoints). Events/s of the median run is reported.
- baseline, same run: the rows that replay produced (rm_project, rm_interview, rm_sentence) are
  read into memory, deleted, and written back with bulk_create (batches of 1000) in one
  transaction — the cost of writing the *result* without processing a single event. Reported as
  rows/s and as events/s (events of the history / baseline seconds); replay/baseline is then
  the share of replay time that is the unavoidable write.
- latency: the projector runs as its production process does (`manage.py runprojections`, a
  child process with its own connection, polling the log every 10 ms when idle); the worker
  sends `commands` human commands one at a time (ConfirmSentence and OverrideAnalysis
  alternating, each on another sentence, expected_version read from the store) and measures
  from just before `handle()` until the sentence's read-model row shows the command's stream
  version (polled every 1 ms). A child process rather than a thread: a thread would share the
  GIL and the worker's interpreter with the command side, which no deployment does.
"""

import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.databases import ROOT
from bench.events_workload import SINGLE_LABELS, History, HistorySize, build, write
from bench.report import aligned
from bench.timing import percentile

PROJECTION = "relational"
COMMAND_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ProjectionParams:
    """Counts of the projection scenarios (written to the JSON beside the figures)."""

    history: HistorySize = field(default_factory=HistorySize)
    lanes: int = 12
    batch_size: int = 1000
    replays: int = 3  # replay runs at most; the baseline runs as often; medians are reported
    # A further replay starts only if it should end within this many seconds of the first one's
    # start: while one replay takes minutes, one run is what the bench can afford.
    replay_budget_s: float = 60.0
    commands: int = 200
    warmup_commands: int = 10
    poll_s: float = 0.001  # how often the command side looks at the read model
    runner_interval_s: float = 0.01  # the projector's idle poll (runprojections --interval)


def written_history(size: HistorySize) -> tuple[History, dict[str, Any]]:
    """Build the history and write it to the event store; (the history, its figures)."""
    started = time.perf_counter()
    history = build(size)
    built_s = time.perf_counter() - started
    written_s = write(history)
    return history, {
        "events": len(history.events),
        "event_types": history.counts(),
        "history_built_s": round(built_s, 2),
        "history_written_s": round(written_s, 2),
    }


def replay(vendor: str, params: ProjectionParams) -> dict[str, Any]:
    """Write the history, then time replays and the bulk-insert baseline (in a Django worker)."""
    history, figures = written_history(params.history)
    events = len(history.events)
    read_s = _timed_read(params.batch_size, events)
    replay_runs: list[float] = []
    while len(replay_runs) < params.replays and (
        not replay_runs or sum(replay_runs) + max(replay_runs) <= params.replay_budget_s
    ):
        replay_runs.append(_timed_replay(params, history))
    rows, baseline_runs = _baseline(len(replay_runs))
    replay_s, baseline_s = statistics.median(replay_runs), statistics.median(baseline_runs)
    return {
        "database": vendor,
        **figures,
        "rows": rows,
        "replay_events_per_s": round(events / replay_s, 1),
        "replay_s": round(replay_s, 3),
        "read_log_events_per_s": round(events / read_s, 1),
        "read_log_s": round(read_s, 3),
        "baseline_rows_per_s": round(sum(rows.values()) / baseline_s, 1),
        "baseline_events_per_s": round(events / baseline_s, 1),
        "baseline_s": round(baseline_s, 3),
        "ratio_replay_over_baseline": round(baseline_s / replay_s, 3),
        "runs_replay_s": [round(s, 3) for s in replay_runs],
        "runs_baseline_s": [round(s, 3) for s in baseline_runs],
    }


def _timed_read(batch_size: int, events: int) -> float:
    """Reading the whole log as the runner does (read_all in batches), applying nothing: the
    part of a replay no projector change can remove."""
    from events.sql_store import SqlEventStore

    store = SqlEventStore()
    started = time.perf_counter()
    read, position = 0, 0
    while batch := store.read_all(after=position, limit=batch_size):
        read, position = read + len(batch), batch[-1].position
    seconds = time.perf_counter() - started
    if read != events:
        raise RuntimeError(f"the store holds {read} events, the history {events}")
    return seconds


def _timed_replay(params: ProjectionParams, history: History) -> float:
    from events.sql_store import SqlEventStore
    from projections.registry import get_projection
    from projections.runner import ProjectionRunner
    from readmodel import models as rm

    projection = get_projection(PROJECTION)
    projection.reset()
    runner = ProjectionRunner(
        projection, SqlEventStore(), lanes=params.lanes, batch_size=params.batch_size
    )
    started = time.perf_counter()
    read = runner.catch_up()
    seconds = time.perf_counter() - started
    events = len(history.events)
    sentences = rm.Sentence.objects.count()
    if (read, runner.applied, runner.parked, sentences) != (events, events, 0, history.sentences):
        raise RuntimeError(
            f"replay read {read} and applied {runner.applied} of {events} events, parked"
            f" {runner.parked}, built {sentences} of {history.sentences} sentence rows"
        )
    return seconds


def _baseline(repeats: int) -> tuple[dict[str, int], list[float]]:
    """The replay's rows, deleted and bulk-inserted again `repeats` times; (rows, seconds)."""
    from django.db import transaction

    from readmodel import models as rm

    tables = (rm.Project, rm.Interview, rm.Sentence)
    values = {model: list(model.objects.values()) for model in tables}
    runs = []
    for _ in range(repeats):
        with transaction.atomic():
            for model in reversed(tables):
                model.objects.all().delete()
        objects = {model: [model(**v) for v in values[model]] for model in tables}
        started = time.perf_counter()
        with transaction.atomic():
            for model in tables:
                model.objects.bulk_create(objects[model], batch_size=1000)
        runs.append(time.perf_counter() - started)
    return {model._meta.db_table: len(values[model]) for model in tables}, runs


def latency(vendor: str, params: ProjectionParams) -> dict[str, Any]:
    """Command-to-visible latency with `runprojections` following (after `replay`)."""
    from events.sql_store import SqlEventStore
    from readmodel import models as rm

    store = SqlEventStore()
    wanted = params.warmup_commands + params.commands
    sentences = list(rm.Sentence.objects.filter(reviewed=False).order_by("id")[:wanted])
    if len(sentences) < wanted:
        raise RuntimeError(f"only {len(sentences)} unreviewed sentences for {wanted} commands")
    with _runprojections(params):
        # The warm-up also waits out the child's start (Django set-up, first poll).
        for i, sentence in enumerate(sentences[: params.warmup_commands]):
            _command_to_visible(store, sentence, i, params.poll_s)
        timings = [
            _command_to_visible(store, sentence, i, params.poll_s)
            for i, sentence in enumerate(sentences[params.warmup_commands :])
        ]
    total = sorted(t[0] for t in timings)
    handle = sorted(t[1] for t in timings)
    return {
        "database": vendor,
        "commands": len(timings),
        "visible_ms": _summary(total),
        "handle_ms": _summary(handle),
        "projection_lag_ms": _summary(sorted(t - h for t, h in timings)),
    }


def _command_to_visible(store: Any, sentence: Any, i: int, poll_s: float) -> tuple[float, float]:
    """One command; (ms from before handle() until the row shows it, ms handle() took)."""
    from commands.bus import handle
    from commands.messages import ConfirmSentence, OverrideAnalysis
    from commands.repository import Repository
    from events.envelope import Actor, stream_name
    from readmodel import models as rm

    actor = Actor.human(1, "Bench expert")
    expected = store.current_version(stream_name("Sentence", sentence.id))
    if i % 2 == 0:
        command: Any = ConfirmSentence(
            actor=actor, sentence_id=sentence.id, expected_version=expected
        )
    else:
        purpose = next(p for p in SINGLE_LABELS["purpose"] if p != sentence.purpose)
        command = OverrideAnalysis(
            actor=actor,
            sentence_id=sentence.id,
            expected_version=expected,
            fields={"purpose": purpose},
            reason="bench: latency",
        )
    visible = rm.Sentence.objects.filter(pk=sentence.id)
    clock = time.perf_counter
    started = clock()
    result = handle(command, Repository(store))
    handled = clock()
    deadline = started + COMMAND_TIMEOUT_S
    while not visible.filter(version__gte=result.version).exists():
        if clock() > deadline:
            raise RuntimeError(f"{result.stream}@{result.version} still not visible")
        time.sleep(poll_s)
    done = clock()
    return (done - started) * 1000, (handled - started) * 1000


@contextmanager
def _runprojections(params: ProjectionParams) -> Iterator[None]:
    """`manage.py runprojections` following this worker's database (DATABASE_URL is in the
    environment it inherits) until the block ends; then SIGTERM: the batch under way commits
    and it exits 0, or its stderr is raised."""
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "runprojections",
        f"--projection={PROJECTION}",
        f"--lane-count={params.lanes}",
        f"--batch-size={params.batch_size}",
        f"--interval={params.runner_interval_s}",
    ]
    # stderr to a file, not a pipe: a pipe nobody reads would block a chatty child.
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if child.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"runprojections exited {child.returncode}:\n{log.read().decode()}")


def _summary(ordered: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(ordered), 2),
        "p50": round(percentile(ordered, 50), 2),
        "p99": round(percentile(ordered, 99), 2),
        "max": round(ordered[-1], 2),
    }


def document(results: list[dict[str, Any]], params: ProjectionParams) -> dict[str, Any]:
    """The "projections" section of latest.json."""
    return {
        "description": __doc__,
        "sizes": asdict(params),
        "figures": (
            "replay_* and baseline_* are medians over runs_*; ratio_replay_over_baseline is replay"
            " events/s divided by baseline events/s; latency in ms over `commands` commands"
        ),
        "results": results,
    }


def table(results: list[dict[str, Any]], params: ProjectionParams) -> str:
    size = params.history
    head = (
        "database",
        "history",
        "replay ev/s",
        "runs",
        "read-only ev/s",
        "baseline ev/s",
        "base rows/s",
        "replay/base",
        "visible p50 ms",
        "p99 ms",
        "max ms",
    )
    rows = [
        (
            r["database"],
            f"{r['events']:,} events, {size.interviews}x{size.sentences} sentences",
            f"{r['replay_events_per_s']:,.0f}",
            str(len(r["runs_replay_s"])),
            f"{r['read_log_events_per_s']:,.0f}",
            f"{r['baseline_events_per_s']:,.0f}",
            f"{r['baseline_rows_per_s']:,.0f}",
            f"{r['ratio_replay_over_baseline']:.2f}",
            f"{r['latency']['visible_ms']['p50']:.1f}",
            f"{r['latency']['visible_ms']['p99']:.1f}",
            f"{r['latency']['visible_ms']['max']:.1f}",
        )
        for r in results
    ]
    note = (
        f"replay: {params.lanes} lanes, batches of {params.batch_size}; visible: "
        f"{params.commands} commands with runprojections --interval {params.runner_interval_s}"
    )
    return f"{aligned(head, rows)}\n{note}"
