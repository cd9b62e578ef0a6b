"""Concurrent writers against PostgreSQL, with a reader tailing read_all the whole time.

Positions are handed out when a row is inserted, but become visible only at commit. Without
writer serialisation a transaction holding position 9 can commit after one holding 10; a reader
that already read 10 moves past 9 and never sees it. The reader below must see every committed
event exactly once, in position order.
"""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from events.sql_store import SqlEventStore
from events.store import NO_STREAM
from tests.conftest import POSTGRES_ONLY
from tests.factories import project_created

WRITERS = 4
EVENTS_PER_WRITER = 1000
STREAMS = 40

pytestmark = [
    pytest.mark.contract,
    pytest.mark.torture,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason=POSTGRES_ONLY),
]


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_tailing_reader_sees_every_committed_event_once_in_order(tmp_path: Path):
    store = SqlEventStore()
    streams = [f"Project-{uuid.uuid4()}" for _ in range(STREAMS)]
    for stream in streams:
        store.append(stream, [project_created()], NO_STREAM)
    start = store.head_position()

    outputs = [tmp_path / f"writer-{n}.txt" for n in range(WRITERS)]
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.events.torture_writer",
                "--database-url",
                database_url(),
                "--events",
                str(EVENTS_PER_WRITER),
                "--seed",
                str(n),
                "--out",
                str(out),
                "--streams",
                *streams,
            ]
        )
        for n, out in enumerate(outputs)
    ]

    seen_positions: list[int] = []
    seen_ids: list[uuid.UUID] = []
    cursor = start
    deadline = time.monotonic() + 300
    while True:
        running = any(w.poll() is None for w in writers)
        batch = store.read_all(after=cursor, limit=200)
        for event in batch:
            seen_positions.append(event.position)
            seen_ids.append(event.event_id)
            cursor = event.position
        if not batch:
            if not running:
                break  # writers done and one more read found nothing: the log is drained
            time.sleep(0.001)
        assert time.monotonic() < deadline, "torture test did not finish in 5 minutes"

    assert [w.returncode for w in writers] == [0] * WRITERS
    committed = {uuid.UUID(line) for out in outputs for line in out.read_text().split()}
    assert len(committed) == WRITERS * EVENTS_PER_WRITER
    assert seen_positions == sorted(set(seen_positions)), "positions out of order or repeated"
    assert len(seen_ids) == len(set(seen_ids)), "an event was seen twice"
    missing = committed - set(seen_ids)
    assert not missing, f"the reader skipped {len(missing)} committed events"
    assert set(seen_ids) == committed
    # Every stream's versions are still gap-free after all the concurrent appends.
    for stream in streams:
        versions = [e.version for e in store.read_stream(stream)]
        assert versions == list(range(len(versions)))
