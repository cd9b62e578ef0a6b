"""Prometheus metrics of the projection runner (docs/architecture.md, Projections, observability).

Counters and the batch histogram live in the process that applies events (the runner, which
serves them with --metrics-port). Lag and parked counts are read from the database when
scraped (projections.observability), so any process — the web one at /metrics — reports them.
"""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_APPLIED = Counter(
    "projection_events_applied_total", "Events applied to a read model", ["projection", "lane"]
)
EVENTS_FAILED = Counter(
    "projection_events_failed_total",
    "Attempts to apply an event that raised (each retry counts)",
    ["projection", "lane"],
)
EVENTS_PARKED = Counter(
    "projection_events_parked_total",
    "Events parked: failed after retries, or waiting behind one that did",
    ["projection", "lane"],
)
BATCH_SECONDS = Histogram(
    "projection_batch_duration_seconds",
    "Time to apply one lane's share of a batch, checkpoint included",
    ["projection"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LANES_HELD = Gauge(
    "projection_lanes_held",
    "Lanes this runner process holds the lease of (runprojections with leases)",
    ["projection"],
)
