"""What one measurement records, and how figures are summarised."""

import statistics
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """`appends` appends writing `events` events in `seconds` of wall-clock time.

    `latencies_ms` holds one duration per append (begin to commit), so percentiles show whether
    a throughput figure hides stalls (lock waits, busy retries, checkpoints).
    """

    events: int
    appends: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "events": self.events,
            "appends": self.appends,
            "seconds": round(self.seconds, 4),
            "events_per_s": round(self.events_per_s, 1),
            "appends_per_s": round(self.appends / self.seconds, 1),
            "latency_ms": {
                "mean": round(statistics.fmean(lat), 3),
                "p50": round(percentile(lat, 50), 3),
                "p95": round(percentile(lat, 95), 3),
                "p99": round(percentile(lat, 99), 3),
                "max": round(lat[-1], 3),
            },
        }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty list."""
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median_run(runs: list[Measurement]) -> Measurement:
    """The run with the median events/s (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda m: m.events_per_s)
    return ordered[(len(ordered) - 1) // 2]
