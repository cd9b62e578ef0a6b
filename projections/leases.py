"""Lane leases: several `runprojections` processes, on one host or many, share a projection's
lanes through rows in the Django database.

Each runner keeps a presence row alive (`RunnerPresence`) and, every `ttl / 3` seconds:
1. works out which lanes are its own: rendezvous hashing over the live runners that may take
   each lane (`--lanes`), so every runner reaches the same answer from the same rows, a new
   runner takes an even share, and a runner leaving moves only its own lanes;
2. releases the lanes it holds that are no longer its own (between batches, so the next owner
   starts from a committed checkpoint);
3. renews its leases and claims its own lanes that are free or expired — one UPDATE whose WHERE
   clause is the claim rule, so two runners never both win a lane.

A runner killed with SIGKILL keeps its leases until they expire (`ttl`); then its presence has
expired too, the others count it out and take its lanes over. A clean exit releases at once.

Time is the database's on PostgreSQL (`statement_timestamp()`), so hosts with skewed clocks
agree on expiry; a SQLite database is only ever on one host, whose clock is then the database's.
"""

import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from projections.models import LaneLease, RunnerPresence

log = logging.getLogger(__name__)


class LeaseConflict(Exception):
    """Another live runner of the projection runs with a different number of lanes."""


def runner_identity() -> str:
    """host:pid:nonce — unique per process start, readable by an operator."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def parse_lanes(spec: str, lane_count: int) -> frozenset[int]:
    """'0-5', '7', '0-2,9,11' -> those lanes; ValueError naming what is wrong."""
    lanes: set[int] = set()
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
            raise ValueError(f"{part.strip()!r} is not a lane or a range like 0-5")
        low, high = int(first), int(last) if dash else int(first)
        if low > high:
            raise ValueError(f"{part.strip()!r}: the range goes backwards")
        if high >= lane_count:
            raise ValueError(f"lane {high} does not exist: lanes are 0 to {lane_count - 1}")
        lanes.update(range(low, high + 1))
    return frozenset(lanes)


def describe_lanes(lanes: Iterable[int]) -> str:
    """{0,1,2,5} -> '0-2,5' (the --lanes syntax); '' for none."""
    runs: list[list[int]] = []
    for lane in sorted(lanes):
        if runs and lane == runs[-1][1] + 1:
            runs[-1][1] = lane
        else:
            runs.append([lane, lane])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def rendezvous_owner(projection: str, lane: int, candidates: Iterable[str]) -> str | None:
    """The candidate with the highest hash for this lane (highest random weight hashing)."""

    def weight(owner: str) -> bytes:
        return hashlib.blake2b(f"{projection}:{lane}:{owner}".encode(), digest_size=8).digest()

    return max(candidates, key=weight, default=None)


@dataclass
class LaneLeases:
    """The leases of one runner process on one projection."""

    projection: str
    lane_count: int
    eligible: frozenset[int]
    ttl: float = 15.0  # seconds a lease and a presence last without renewal
    owner: str = field(default_factory=runner_identity)
    clock: Callable[[], float] = time.monotonic
    held: frozenset[int] = field(default=frozenset(), init=False)
    _refreshed_at: float | None = field(default=None, init=False)
    _started_at: datetime | None = field(default=None, init=False)

    def lanes(self) -> frozenset[int]:
        """The lanes to work on now: refreshed from the database every ttl / 3 seconds."""
        now = self.clock()
        if self._refreshed_at is None or now - self._refreshed_at >= self.ttl / 3:
            self.refresh()
        return self.held

    def refresh(self) -> frozenset[int]:
        """Renew presence and leases, release what is not ours, claim what is (one
        transaction); return the lanes held."""
        before = self.held
        with transaction.atomic():
            now = _database_now()
            until = now + timedelta(seconds=self.ttl)
            self._started_at = self._started_at or now
            RunnerPresence.objects.update_or_create(
                projection=self.projection,
                owner=self.owner,
                defaults={
                    "lane_count": self.lane_count,
                    "eligible": sorted(self.eligible),
                    "started_at": self._started_at,
                    "expires_at": until,
                },
            )
            presences = RunnerPresence.objects.filter(projection=self.projection)
            live = list(presences.filter(expires_at__gt=now))
            # Killed runners leave their rows behind; an hour on, nobody needs to see them.
            presences.filter(expires_at__lt=now - timedelta(hours=1)).delete()
            others = [p for p in live if p.lane_count != self.lane_count]
            if others:
                raise LeaseConflict(
                    f"runner {others[0].owner} runs the {self.projection} projection with"
                    f" {others[0].lane_count} lanes, this one with {self.lane_count}: every"
                    f" runner of a projection must use the same --lane-count"
                )
            mine = self._own_lanes(live)
            leases = LaneLease.objects.filter(projection=self.projection)
            LaneLease.objects.bulk_create(
                [LaneLease(projection=self.projection, lane=lane) for lane in sorted(mine)],
                ignore_conflicts=True,
            )
            leases.filter(owner=self.owner).exclude(lane__in=mine).update(owner="", expires_at=None)
            # The claim rule, in the WHERE clause: free or expired (a live lease is left alone
            # until its holder sees the lane is no longer its own and releases it).
            claimable = Q(owner="") | Q(expires_at__lt=now)
            leases.filter(claimable, lane__in=mine).update(
                owner=self.owner, expires_at=until, acquired_at=now
            )
            leases.filter(owner=self.owner, lane__in=mine).update(expires_at=until)
            self.held = frozenset(
                leases.filter(owner=self.owner, expires_at__gt=now).values_list("lane", flat=True)
            )
        # Only once it worked: after a failure (the database down) the next call tries again.
        self._refreshed_at = self.clock()
        if self.held != before:
            log.info(
                "%s: %s holds lanes %s (took %s, gave up %s)",
                self.projection,
                self.owner,
                describe_lanes(self.held) or "none",
                describe_lanes(self.held - before) or "none",
                describe_lanes(before - self.held) or "none",
            )
        return self.held

    def release(self) -> None:
        """Give every lane back and leave, so other runners take over without waiting."""
        with transaction.atomic():
            LaneLease.objects.filter(projection=self.projection, owner=self.owner).update(
                owner="", expires_at=None
            )
            RunnerPresence.objects.filter(projection=self.projection, owner=self.owner).delete()
        self.held = frozenset()
        self._refreshed_at = None

    def _own_lanes(self, live: list[RunnerPresence]) -> frozenset[int]:
        """The lanes rendezvous hashing gives this runner among the live ones."""
        mine = set()
        for lane in self.eligible:
            candidates = [p.owner for p in live if lane in p.eligible]
            if rendezvous_owner(self.projection, lane, candidates) == self.owner:
                mine.add(lane)
        return frozenset(mine)


def live_runners(projection: str) -> list[str]:
    """The runner processes of the projection whose presence has not expired."""
    rows = RunnerPresence.objects.filter(projection=projection, expires_at__gt=_database_now())
    return sorted(rows.values_list("owner", flat=True))


def lease_holders(projection: str) -> dict[int, tuple[str, datetime]]:
    """Lane -> (owner, expires_at) of the leases currently held, for operators."""
    now = _database_now()
    rows = LaneLease.objects.filter(projection=projection, expires_at__gt=now).exclude(owner="")
    return {row.lane: (row.owner, row.expires_at) for row in rows}


def _database_now() -> datetime:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Not now(): that is the transaction's start, which an enclosing transaction (a
            # caller's, a test's) would hold still.
            cursor.execute("SELECT statement_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()
