"""Routing events to lanes: every event of one interview (or one project) goes to one lane.

The hash must be stable across processes and Python versions (so not `hash()`, which is
salted per process): lanes are persisted through their checkpoints.
"""

import zlib
from uuid import UUID

from events.envelope import RecordedEvent


def blocking_key(event: RecordedEvent) -> str:
    """What orders and blocks this event: its interview, or its project for project events.

    Sentence events carry interview_id in their data (docs/architecture.md, Events; the system this
    replaces routed only one sentence event type correctly, docs/architecture.md, Standing rule 3).
    """
    if event.aggregate_type == "Project":
        return f"Project-{event.aggregate_id}"
    if event.aggregate_type == "Interview":
        return f"Interview-{event.aggregate_id}"
    return f"Interview-{UUID(str(event.data['interview_id']))}"


def lane_of(key: str, lanes: int) -> int:
    return zlib.crc32(key.encode()) % lanes
