"""Prometheus exposure: progress gauges read at scrape time, and the runner's metrics server.

The runner's counters (projections.metrics) only exist in the process that applies events, but
lag, checkpoints and parked events are facts of the database: a collector reads them on every
scrape, so `/metrics` of the web process and `runprojections --metrics-port` both report them,
and a dead runner shows as growing lag instead of as silence.

Metrics of the collector:
  interview_analyzer_database_up, interview_analyzer_event_store_up   1 answers, 0 does not
  event_store_head_position                                           last recorded position
  projection_checkpoint_position{projection,lane}
  projection_lag_events{projection,lane}, projection_lag_events_max{projection}
  projection_lag_seconds{projection}        age of the oldest event not yet applied (0: none)
  projection_lane_stalled{projection,lane}  1 when stalled (see projections.status)
  projection_parked_events{projection}      events waiting for an operator
"""

import threading
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.db import connections
from prometheus_client import REGISTRY, generate_latest, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.registry import Collector

from projections import metrics  # noqa: F401  (registers the runner's counters to be served)
from projections.health import Observation, observe

_lock = threading.Lock()
_registered = False

LANE = ["projection", "lane"]
PROJECTION = ["projection"]


class ProjectionCollector(Collector):
    """Reads the database and the event store on each scrape; never raises (see health)."""

    def describe(self) -> Iterable[Metric]:
        # Given, so registering does not run a scrape (and touch the database) to learn names.
        return _families(Observation()).values()

    def collect(self) -> Iterable[Metric]:
        return _families(observe()).values()


def register_collector() -> None:
    """Add the collector to the default registry, once per process, whoever asks first."""
    global _registered
    with _lock:
        if not _registered:
            REGISTRY.register(ProjectionCollector())
            _registered = True


def metrics_text() -> bytes:
    """Everything the default registry holds, in the Prometheus text format."""
    register_collector()
    return generate_latest(REGISTRY)


def serve_metrics(port: int) -> WSGIServer:
    """Serve the default registry on METRICS_BIND:port from a daemon thread; return the server
    (`shutdown()` stops it). Port 0 picks a free one: see `server_port`.

    Each scrape runs in a thread of its own and opens its own database connection, which is
    closed when the scrape ends: Django only does that for its own requests.
    """
    register_collector()
    app = make_wsgi_app(REGISTRY)

    def closing_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        try:
            return app(environ, start_response)
        finally:
            connections.close_all()

    server = make_server(
        settings.METRICS_BIND, port, closing_app, ThreadingWSGIServer, handler_class=_Quiet
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """One stderr line per scrape would drown the runner's own logs."""


def _families(seen: Observation) -> dict[str, GaugeMetricFamily]:
    gauges = {
        "database_up": _gauge("interview_analyzer_database_up", "1 when the database answers"),
        "store_up": _gauge("interview_analyzer_event_store_up", "1 when the event store answers"),
        "head": _gauge("event_store_head_position", "Position of the last recorded event"),
        "position": _gauge("projection_checkpoint_position", "Lane checkpoint", LANE),
        # Named before positions were known to be sparse; kept so that alert rules keep working.
        "lag": _gauge(
            "projection_lag_events",
            "Log distance from the lane checkpoint to the head (head position minus checkpoint;"
            " not a count of events on EventStoreDB)",
            LANE,
        ),
        "lag_max": _gauge(
            "projection_lag_events_max", "Largest lane log distance to the head", PROJECTION
        ),
        "lag_seconds": _gauge(
            "projection_lag_seconds", "Age of the oldest event not yet applied", PROJECTION
        ),
        "stalled": _gauge("projection_lane_stalled", "1 when the lane is stalled", LANE),
        "parked": _gauge(
            "projection_parked_events", "Events parked, awaiting an operator", PROJECTION
        ),
    }
    gauges["database_up"].add_metric([], 0 if seen.database_error else 1)
    gauges["store_up"].add_metric([], 0 if seen.store_error else 1)
    if seen.head_position is not None:
        gauges["head"].add_metric([], seen.head_position)
    for status in seen.projections:
        name = status["projection"]
        if status["error"]:
            continue  # its progress could not be read: no figures rather than made-up ones
        for lane in status["lanes"]:
            labels = [name, str(lane["lane"])]
            gauges["position"].add_metric(labels, lane["position"])
            gauges["lag"].add_metric(labels, lane["lag_events"])
            gauges["stalled"].add_metric(labels, int(lane["stalled"]))
        gauges["lag_max"].add_metric([name], status["lag_events"])
        gauges["lag_seconds"].add_metric([name], status["lag_seconds"])
    for name, count in (seen.parked or {}).items():
        gauges["parked"].add_metric([name], count)
    return gauges


def _gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels or [])
