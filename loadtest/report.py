"""The figures of a run: bench/results/load.json (rendered into docs/benchmarks.md by another
tool, so its shape is fixed) and the table printed at the end."""

import os
import platform
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.databases import Target
from bench.report import aligned, machine_info, versions
from bench.timing import percentile
from loadtest.clients import Outcome
from loadtest.params import LoadParams
from loadtest.verify import Verification

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results" / "load.json"
ENDPOINTS = {
    "get_sentence": "GET /sentences/{id}/",
    "edit": "POST /sentences/{id}/edit/",
    "override": "POST /sentences/{id}/override/",
    "confirm": "POST /sentences/{id}/confirm/",
    "visible": "GET /sentences/{id}/?wait_for=",
    "list_sentences": "GET /interviews/{id}/sentences/",
    "history": "GET /sentences/{id}/history/",
}
WRITES = ("edit", "override", "confirm")
LAG = "command-to-visible: from a 202 until a GET of the sentence with ?wait_for=<its position>"


def machine(target: Target, params: LoadParams, load_average_start: tuple[float, ...]) -> dict:
    """Host, CPU and versions, how the product was served, and how busy the machine was (other
    sessions share its CPUs)."""
    found = {k: v for k, v in versions(target).items() if k != "sqlite"}  # not involved
    return {
        "host": platform.node(),
        **machine_info(),
        **found,
        "gunicorn": version("gunicorn"),
        "web_server": f"gunicorn gthread, {params.web_workers} workers x"
        f" {params.web_threads} threads, persistent database connections",
        "load_average_start": [round(x, 2) for x in load_average_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }


def document(
    outcome: Outcome, verification: Verification, params: LoadParams, machine_info: dict
) -> dict[str, Any]:
    calls, elapsed = outcome.calls, outcome.elapsed_s
    statuses = Counter(str(c.status) if c.status else "no_answer" for c in calls)
    writes = [c for c in calls if c.endpoint in WRITES]
    endpoints = {}
    for name in ENDPOINTS:
        ms = sorted(c.ms for c in calls if c.endpoint == name)
        if ms:
            endpoints[name] = {
                "requests": len(ms),
                "requests_per_s": round(len(ms) / elapsed, 1),
                "p50_ms": round(percentile(ms, 50), 1),
                "p99_ms": round(percentile(ms, 99), 1),
            }
    lags = sorted(outcome.lags_ms)
    return {
        "machine": machine_info,
        "database": "postgresql",
        "duration_s": round(elapsed, 1),
        "clients": params.clients,
        "requests": len(calls),
        "requests_per_s": round(len(calls) / elapsed, 1),
        "status_counts": dict(sorted(statuses.items())),
        "rate_412": round(sum(c.status == 412 for c in writes) / len(writes), 4) if writes else 0,
        "errors": len(outcome.failures),
        "endpoints": endpoints,
        "projection_lag_ms": {
            "p50": round(percentile(lags, 50), 1) if lags else None,
            "p99": round(percentile(lags, 99), 1) if lags else None,
            "samples": len(lags),
        },
        "verification": verification.as_dict(),
    }


def table(doc: dict[str, Any], outcome: Outcome, verification: Verification) -> str:
    head = ("endpoint", "requests", "req/s", "p50 ms", "p99 ms")
    rows = [
        (
            ENDPOINTS[name],
            f"{e['requests']:,}",
            f"{e['requests_per_s']:,.1f}",
            f"{e['p50_ms']:.1f}",
            f"{e['p99_ms']:.1f}",
        )
        for name, e in doc["endpoints"].items()
    ]
    lag, v = doc["projection_lag_ms"], doc["verification"]
    written = sum(e["requests"] for name, e in doc["endpoints"].items() if name in WRITES)
    statuses = ", ".join(f"{code}: {n:,}" for code, n in doc["status_counts"].items())
    lines = [
        f"load: {doc['clients']} clients for {doc['duration_s']} s against"
        f" {doc['machine']['web_server']}, PostgreSQL {doc['machine']['postgresql']},"
        f" runprojections following",
        f"{doc['requests']:,} requests, {doc['requests_per_s']:,.1f} requests/s",
        "",
        aligned(head, rows, left=1),
        "",
        f"status counts: {statuses}",
        f"412 rate: {doc['rate_412']:.1%} of {written:,} writes (stale ETag: another expert"
        " changed the sentence first)",
        *_by_answer(outcome),
        f"errors (any other answer, or none): {doc['errors']}",
        *(f"  {failure}" for failure in outcome.failures[:10]),
        f"projection lag, {LAG} answers: p50 {lag['p50']} ms, p99 {lag['p99']} ms"
        f" ({lag['samples']} sampled writes; {outcome.not_visible} not shown after the 5 s wait)",
        "",
        f"verification: {v['accepted']:,} accepted writes, {verification.in_log:,} in the event"
        f" log, {v['in_history']:,} in their sentence's history, {v['lost_updates']} lost updates",
        f"  digest live     {v['digest_live']}",
        f"  digest replayed {v['digest_replayed']}",
        *(f"  problem: {p}" for p in verification.problems[:20]),
        f"verification {'PASSED' if v['passed'] else 'FAILED'}",
    ]
    return "\n".join(lines)


def _by_answer(outcome: Outcome) -> list[str]:
    """Write latency split by answer: a 412 first waits (up to 2 s) until the read model shows
    the change it reports, so the two answers cost differently."""
    lines = []
    for status in (202, 412):
        ms = sorted(c.ms for c in outcome.calls if c.endpoint in WRITES and c.status == status)
        if ms:
            lines.append(
                f"  writes answered {status}: p50 {percentile(ms, 50):.1f} ms,"
                f" p99 {percentile(ms, 99):.1f} ms"
            )
    return lines
