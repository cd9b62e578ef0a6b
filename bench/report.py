"""Machine information, bench/results/latest.json and the printed table."""

import json
import os
import platform
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import django
import psycopg

from bench import append, baseline
from bench.append import Params
from bench.databases import ROOT, Target
from bench.timing import Measurement, median_run

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def scenario_description(scenario: str, params: Params) -> str:
    """What a scenario appends, in the run's own counts (the quick mode's are smaller)."""
    return {
        "single": f"single appends (1 event, {params.single_streams} streams)",
        "batch": f"batches ({params.batch_size} events/append)",
        "concurrent": f"{params.writers} writers (1 event/append)",
    }[scenario]


@dataclass(frozen=True)
class Comparison:
    """The store and the baseline on one scenario of one database, measured in the same run."""

    database: str
    scenario: str
    description: str
    store_runs: list[Measurement]
    baseline_runs: list[Measurement]

    @property
    def store(self) -> Measurement:
        return median_run(self.store_runs)

    @property
    def baseline(self) -> Measurement:
        return median_run(self.baseline_runs)

    @property
    def ratio(self) -> float:
        """Store events/s divided by baseline events/s (1.0: the store costs nothing extra)."""
        return self.store.events_per_s / self.baseline.events_per_s

    def as_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "scenario": self.scenario,
            "description": self.description,
            "store": _figures(self.store_runs),
            "baseline": _figures(self.baseline_runs),
            "ratio_store_over_baseline": round(self.ratio, 3),
        }


def _figures(runs: list[Measurement]) -> dict[str, Any]:
    """The median run in full, and events/s of every run (in the order they ran)."""
    return {
        **median_run(runs).summary(),
        "runs_events_per_s": [round(m.events_per_s, 1) for m in runs],
    }


def machine_info() -> dict[str, Any]:
    return {
        "cpu_model": _cpu_model(),
        "cpu_cores": os.cpu_count(),
        "cpu_cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
    }


def versions(postgres: Target) -> dict[str, str]:
    with psycopg.connect(postgres.conninfo) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": server,
        "psycopg": psycopg.__version__,
        "libpq": _libpq_version(),
    }


def database_settings(postgres: Target) -> dict[str, Any]:
    """Settings that decide what a commit costs, so figures can be compared across machines."""
    names = ("fsync", "synchronous_commit", "wal_sync_method", "shared_buffers", "wal_level")
    with psycopg.connect(postgres.conninfo) as conn:
        pg = {n: conn.execute(f"SHOW {n}").fetchone()[0] for n in names}
    return {
        "sqlite": {
            "journal_mode": "wal",
            "synchronous": "normal",
            "transactions": "BEGIN IMMEDIATE",
        },
        "postgresql": pg,
    }


@dataclass(frozen=True)
class Run:
    """How this run went, for the reader of its figures: which mode, how busy the machine was
    (other sessions share its 2 CPUs), which code, and where the time went."""

    mode: str
    started_at: datetime
    commit: dict[str, Any]  # taken at the start: others may commit while the bench runs
    load_average_start: tuple[float, float, float]
    section_seconds: dict[str, float]
    total_seconds: float


def document(
    comparisons: list[Comparison], params: Params, postgres: Target, run: Run
) -> dict[str, Any]:
    return {
        "mode": run.mode,
        "date": run.started_at.isoformat(timespec="seconds"),
        "total_seconds": round(run.total_seconds, 1),
        "section_seconds": {name: round(s, 1) for name, s in run.section_seconds.items()},
        "commit": run.commit,
        "machine": {
            **machine_info(),
            "load_average_start": [round(x, 2) for x in run.load_average_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": versions(postgres),
        "database_settings": database_settings(postgres),
        "description": append.__doc__,
        "baseline_description": baseline.__doc__,
        "counts": asdict(params),
        "figures": (
            f"each scenario ran {params.repeats} times per implementation, store and baseline"
            " alternating; events_per_s and latency_ms are those of the median run"
        ),
        "baseline": (
            "plain INSERTs of the same rows through sqlite3 / psycopg into event_store_baseline"
            " (same columns and types, auto-increment primary key only: no other index, no"
            " constraint, no lock, no checks), one transaction per append like the store"
        ),
        "ratio": "store events/s divided by baseline events/s (median runs)",
        "results": [c.as_dict() for c in comparisons],
    }


def commit() -> dict[str, Any]:
    """The commit the bench ran on, and whether tracked files differed from it (the figures
    are then those of the working tree). --no-optional-locks: never write git's index, which
    others may be committing with at the same time."""
    git = ("git", "--no-optional-locks", "-C", str(ROOT))
    try:
        sha = subprocess.run(
            (*git, "rev-parse", "HEAD"), capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            (*git, "status", "--porcelain", "--untracked-files=no"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"sha": None, "uncommitted_changes": None}
    return {"sha": sha, "uncommitted_changes": bool(changes.strip())}


def write_json(doc: dict[str, Any], path: Path = RESULTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def table(comparisons: list[Comparison]) -> str:
    head = (
        "database",
        "scenario",
        "store ev/s",
        "baseline ev/s",
        "store/base",
        "store p50 ms",
        "base p50 ms",
    )
    rows = [
        (
            c.database,
            c.description,
            f"{c.store.events_per_s:,.0f}",
            f"{c.baseline.events_per_s:,.0f}",
            f"{c.ratio:.2f}",
            f"{c.store.summary()['latency_ms']['p50']:.2f}",
            f"{c.baseline.summary()['latency_ms']['p50']:.2f}",
        )
        for c in comparisons
    ]
    return aligned(head, rows)


def aligned(head: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 2) -> str:
    """A text table: the first `left` columns left-aligned, the figures right-aligned."""
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


def _libpq_version() -> str:
    number = psycopg.pq.version()  # e.g. 170004 for 17.4
    return f"{number // 10000}.{number % 10000}"


def _cpu_model() -> str:
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal:"):
                return round(int(text.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None
