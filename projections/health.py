"""One look at everything readiness and metrics report, that never raises.

A health check or a metrics scrape that crashes when the database is down reports nothing at
the moment it matters most; so every part is read on its own, and a failure becomes an error
message next to the parts that did answer. The messages are the drivers' own, with any
credentials in a URL blanked out.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from events.wiring import get_event_store
from projections.status import parked_counts, ping_database, projection_status

log = logging.getLogger(__name__)
_CREDENTIALS = re.compile(r"(//)[^/@\s]+@")


@dataclass
class Observation:
    database_error: str | None = None
    store_error: str | None = None
    head_position: int | None = None
    projections: list[dict[str, Any]] = field(default_factory=list)
    projections_error: str | None = None
    parked: dict[str, int] | None = None  # None: the database did not answer

    @property
    def ready(self) -> bool:
        """The database and the store answer, every essential projection's progress can be
        read, and no lane is stalled."""
        return (
            self.database_error is None
            and self.store_error is None
            and self.projections_error is None
            and not any(p["error"] and p["essential"] for p in self.projections)
            and not any(p["stalled_lanes"] for p in self.projections)
        )


def observe(lanes: int | None = None, *, now: datetime | None = None) -> Observation:
    """Read the database, the event store and every projection's progress."""
    lanes = lanes or settings.PROJECTION_LANES
    seen = Observation()
    try:
        ping_database()
        seen.parked = parked_counts()
    except Exception as e:  # any failure is the answer: the database is not usable
        seen.database_error = _describe("database", e)
    try:
        store = get_event_store()
        seen.head_position = store.head_position()
    except Exception as e:  # includes a backend that cannot even be constructed
        seen.store_error = _describe("event store", e)
        seen.projections_error = "not checked: the event store does not answer"
        return seen
    if seen.database_error:
        seen.projections_error = "not checked: the database does not answer"
        return seen
    try:
        seen.projections = projection_status(lanes, store=store, now=now)
    except Exception as e:
        seen.projections_error = _describe("projection status", e)
    return seen


def readiness_report(seen: Observation) -> dict[str, Any]:
    """The /health/ready body: each check ok or failing, with details or the error."""
    stalled = {p["projection"]: p["stalled_lanes"] for p in seen.projections if p["stalled_lanes"]}
    down = [p["projection"] for p in seen.projections if p["error"] and p["essential"]]
    return {
        "status": "ok" if seen.ready else "failing",
        "checks": {
            "database": _check(seen.database_error, {}),
            "event_store": _check(seen.store_error, {"head_position": seen.head_position}),
            "projections": _check(
                seen.projections_error
                or (f"unavailable: {', '.join(down)}" if down else None)
                or (f"stalled lanes: {stalled}" if stalled else None),
                {p["projection"]: _progress(p) for p in seen.projections},
            ),
            # Parked events wait for an operator; they do not make the service unready.
            "parked": _check(
                seen.database_error and "not checked: the database does not answer",
                {"events": seen.parked},
            ),
        },
    }


def _progress(status: dict[str, Any]) -> dict[str, Any]:
    """One projection's line of the readiness report; a non-essential one that does not
    answer shows its error here without failing the check."""
    if status["error"]:
        return {"error": status["error"], "essential": status["essential"]}
    return {
        "lag_events": status["lag_events"],
        "lag_seconds": round(status["lag_seconds"], 3),
        "stalled_lanes": status["stalled_lanes"],
    }


def _check(error: str | None, details: dict[str, Any]) -> dict[str, Any]:
    if error:
        return {"status": "failing", "details": {**details, "error": error}}
    return {"status": "ok", "details": details}


def _describe(what: str, error: Exception) -> str:
    message = _CREDENTIALS.sub(r"\1***@", f"{type(error).__name__}: {error}")[:500]
    log.warning("%s check failed: %s", what, message)
    return message
