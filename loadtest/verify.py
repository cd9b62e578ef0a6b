"""After the load: nothing accepted may be missing, nothing lost, and the read model must be the
one a clean replay builds.

1. `histories` (server still up): each pool sentence's history through the API.
2. `verify` (server and runner stopped, the runner caught up first): every 202's event at its
   position and version in the event log and in the history; each sentence stream's versions
   contiguous, its human events exactly the accepted writes; the read model's rows equal to the
   last accepted writes (loadtest.expect); `projection_digest relational` before and after
   `replay relational`.
"""

from collections import defaultdict
from dataclasses import dataclass
from io import StringIO
from typing import Any
from uuid import UUID

import httpx
from django.core.management import call_command

from events.envelope import ActorType, RecordedEvent, stream_name
from events.wiring import get_event_store
from loadtest.clients import TIMEOUT_S, Accepted
from loadtest.expect import expected_final, lost_writes
from loadtest.seed import Seeded
from projections.waiting import applied_position, wait_for_position
from readmodel.models import Sentence

EVENT_TYPES = {
    "edit": "SentenceEdited",
    "override": "AnalysisOverridden",
    "confirm": "SentenceReviewed",
}
CATCH_UP_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Verification:
    accepted: int
    in_log: int
    in_history: int
    lost_updates: int
    digest_live: str
    digest_replayed: str
    problems: tuple[str, ...]  # each failed check, for people

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "in_history": self.in_history,
            "lost_updates": self.lost_updates,
            "digest_live": self.digest_live,
            "digest_replayed": self.digest_replayed,
            "passed": self.passed,
        }


def caught_up(timeout: float = CATCH_UP_TIMEOUT_S) -> bool:
    """Wait until the running projection has applied the whole log, on every lane."""
    return wait_for_position(get_event_store().head_position(), timeout=timeout)


def histories(base_url: str, seeded: Seeded) -> dict[str, list[dict[str, Any]]]:
    headers = {"Authorization": f"Token {seeded.tokens[0]}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=TIMEOUT_S) as http:
        found = {}
        for sentence_id in seeded.pool:
            answer = http.get(f"/api/v1/sentences/{sentence_id}/history/")
            answer.raise_for_status()
            found[sentence_id] = answer.json()
        return found


def verify(
    seeded: Seeded,
    accepted: list[Accepted],
    history: dict[str, list[dict[str, Any]]],
    *,
    errors: int,
) -> Verification:
    """Every check of the module docstring; `errors` (answers other than those expected) fail
    the run too: a 500 or a 400 under load is a defect, whatever the data looks like after."""
    problems = [f"{errors} request(s) answered otherwise than expected"] if errors else []
    store = get_event_store()
    if applied_position() < store.head_position():
        problems.append("the projection had not applied the whole log when the runner stopped")
    by_sentence: dict[str, list[Accepted]] = defaultdict(list)
    for write in accepted:
        by_sentence[write.sentence_id].append(write)
    in_log = in_history = lost = 0
    rows = {str(row["id"]): row for row in Sentence.objects.filter(id__in=seeded.pool).values()}
    for sentence_id in seeded.pool:
        writes = by_sentence[sentence_id]
        events = store.read_stream(stream_name("Sentence", UUID(sentence_id)))
        logged = [w for w in writes if _in_log(w, events)]
        in_log += len(logged)
        in_history += sum(_in_history(w, history.get(sentence_id, [])) for w in writes)
        problems += _stream_problems(sentence_id, writes, events)
        row = rows[sentence_id]
        if row["version"] != events[-1].version:
            problems.append(
                f"{sentence_id}: read model at version {row['version']}, log at"
                f" {events[-1].version}"
            )
        missing = lost_writes(expected_final(row["original_text"], logged), row)
        problems += [f"{sentence_id}: {what}" for what in missing]
        lost += len(writes) - len(logged) + len(missing)
    if in_log != len(accepted):
        problems.append(f"{len(accepted) - in_log} accepted write(s) not in the event log")
    if in_history != len(accepted):
        problems.append(f"{len(accepted) - in_history} accepted write(s) not in the history")
    live = _digest()
    call_command("replay", "relational", "--yes", stdout=StringIO())
    replayed = _digest()
    if live != replayed:
        problems.append("the live read model's digest differs from a clean replay's")
    return Verification(
        accepted=len(accepted),
        in_log=in_log,
        in_history=in_history,
        lost_updates=lost,
        digest_live=live,
        digest_replayed=replayed,
        problems=tuple(problems),
    )


def _in_log(write: Accepted, events: list[RecordedEvent]) -> bool:
    return any(
        str(e.event_id) in write.event_ids
        and e.position == write.position
        and e.version == write.version
        and e.event_type == EVENT_TYPES[write.kind]
        for e in events
    )


def _in_history(write: Accepted, entries: list[dict[str, Any]]) -> bool:
    return any(
        entry["event_id"] in write.event_ids
        and entry["position"] == write.position
        and entry["version"] == write.version
        for entry in entries
    )


def _stream_problems(
    sentence_id: str, writes: list[Accepted], events: list[RecordedEvent]
) -> list[str]:
    """Versions 0..n without a gap, and the experts' events exactly the accepted writes: an
    event nobody was told about (a 202 lost on the way) is as wrong as a 202 without one."""
    problems = []
    versions = [e.version for e in events]
    if versions != list(range(len(events))):
        problems.append(f"{sentence_id}: stream versions not contiguous: {versions}")
    by_experts = sorted(e.version for e in events if e.actor.type is ActorType.HUMAN)
    if by_experts != sorted(w.version for w in writes):
        problems.append(f"{sentence_id}: the experts' events are not exactly the accepted writes")
    return problems


def _digest() -> str:
    out = StringIO()
    call_command("projection_digest", "relational", stdout=out)
    return out.getvalue().strip()
