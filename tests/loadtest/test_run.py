"""A short load test against the test database: a real gunicorn and `runprojections`, four
experts on three shared sentences for a few seconds, then the whole verification."""

import json
import os
from uuid import uuid4

import pytest
from django.db import connection  # noqa: F401 (the skipif condition reads it)

from bench.databases import Target
from loadtest.clients import Accepted
from loadtest.params import LoadParams
from loadtest.processes import child_env
from loadtest.report import document, machine, table
from loadtest.run import run_load
from loadtest.seed import seed_project
from loadtest.verify import verify
from tests.conftest import POSTGRES_ONLY
from tests.ingestion.conftest import manage_process  # noqa: F401 (a fixture, reused)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason=POSTGRES_ONLY),
    # The server and the runner are other processes: they must see what the seeding commits.
    pytest.mark.django_db(transaction=True),
]
PARAMS = LoadParams(duration_s=4, clients=4, pool=3, lag_sample=0.5, web_workers=1, web_threads=4)
KEYS = {
    "machine", "database", "duration_s", "clients", "requests", "requests_per_s",
    "status_counts", "rate_412", "errors", "endpoints", "projection_lag_ms", "verification",
}  # fmt: skip


def test_four_experts_on_three_sentences_lose_nothing_and_a_lost_write_would_be_seen(
    manage_process,  # noqa: F811
    tmp_path,
):
    env, _ = manage_process
    seeded = seed_project(experts=PARAMS.users, pool=PARAMS.pool, seed=PARAMS.seed)
    run = run_load(PARAMS, seeded, child_env(env, env["DATABASE_URL"]), tmp_path)
    target = Target("postgresql", env["DATABASE_URL"])
    doc = document(run.outcome, run.verification, PARAMS, machine(target, PARAMS, os.getloadavg()))

    assert doc["errors"] == 0, run.outcome.failures
    assert run.verification.passed, run.verification.problems
    assert set(doc) == KEYS
    json.dumps(doc)  # what load.json will hold
    statuses, verified = doc["status_counts"], doc["verification"]
    assert statuses["202"] > 0
    assert set(statuses) <= {"200", "202", "412"}
    assert verified["accepted"] == statuses["202"] == verified["in_history"]
    assert verified["lost_updates"] == 0
    assert verified["digest_live"] == verified["digest_replayed"]
    assert (
        doc["requests"]
        == sum(statuses.values())
        == sum(e["requests"] for e in doc["endpoints"].values())
    )
    assert 0 <= doc["rate_412"] < 1
    assert doc["projection_lag_ms"]["samples"] > 0
    assert 0 < doc["projection_lag_ms"]["p50"] <= doc["projection_lag_ms"]["p99"]
    assert doc["machine"]["postgresql"]
    assert doc["machine"]["gunicorn"]
    printed = table(doc, run.outcome, run.verification)
    assert "verification PASSED" in printed
    assert f"{doc['requests']:,} requests" in printed

    # And the same verification, told of one more 202 than the log holds, fails.
    never_written = Accepted(
        seeded.pool[0], "edit", {"text": "lost"}, (str(uuid4()),), version=99, position=10**9
    )
    history = {sentence: [] for sentence in seeded.pool}
    failed = verify(seeded, [*run.outcome.accepted, never_written], history, errors=0)
    assert not failed.passed
    assert failed.lost_updates == 1
    assert failed.in_history == 0
