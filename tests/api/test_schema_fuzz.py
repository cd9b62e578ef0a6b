"""Property-based fuzzing of the whole REST API from its own OpenAPI schema (schemathesis).

Every operation of `/api/schema/` gets generated requests — valid and invalid query strings,
headers and bodies — sent in-process to the WSGI application as a staff user who is admin of
the ingested project, with the path ids pointing at its real rows, so requests reach the deep
code paths and not only the 404 of an unknown id. No answer may be a 5xx, and every status
answered must be one the schema documents for that operation (status_code_conformance).

How it runs: the schema is loaded once, when this module is imported; schemathesis turns each
operation into its own Hypothesis test (one pytest item per operation), and each gets a fresh
`ingested` database. The ids of the ingested rows are derived from the slug, the file content
and the sentence index (uuid5), so they are known here before the database exists — which is
what lets them go into the schemathesis config. (`schemathesis.pytest.from_fixture`, which would
load the schema inside the test, fails on pytest 9.2: it sets `Node._nodeid`, which is gone.)

Deterministic: a fixed seed with derandomised generation, so CI sees the same requests every
run; change FUZZ_SEED locally to explore other inputs.
"""

import logging
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import nullcontext

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from access.services import grant
from commands.aggregates import project_id_for_slug, sentence_id
from events.wiring import get_event_store
from ingestion.pipeline import interview_id_for
from ingestion.prepare import prepare_upload
from interview_analyzer.wsgi import application
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.models import Sentence
from tests.ingestion.helpers import SAMPLE_FILES

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Read at import, before tests/conftest.py hides it from tests not marked neo4j.
GRAPH_URL = os.environ.get("NEO4J_BOLT_URL", "")
FUZZ_SEED = 20240601
# Generated requests per operation in the fuzzing phase: varied input, bounded for `make test`.
MAX_EXAMPLES = 30
# Only in the test database; a fixed key lets the schemathesis config carry the header.
FUZZ_TOKEN = "schemathesis-fuzz-token-not-a-secret-000"

# The rows the `ingested` fixture creates (see tests/api/conftest.py), by their derived ids.
_SAMPLE = SAMPLE_FILES[1]
_UPLOAD = prepare_upload(_SAMPLE.read_bytes(), filename=_SAMPLE.name, max_bytes=5_000_000)
PROJECT_ID = project_id_for_slug("ledgerline")
INTERVIEW_ID = interview_id_for(PROJECT_ID, _UPLOAD.content_sha256)
SENTENCE_IDS = [str(sentence_id(INTERVIEW_ID, s.index)) for s in _UPLOAD.segments]
# The ingested rows are at small versions; generation favours the first entries.
ETAGS = [*(f'"{version}"' for version in range(1, 8)), 'W/"1"', '"0"', '"-1"', f'"{"9" * 20}"']

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": FUZZ_SEED,
        "headers": {"Authorization": f"Token {FUZZ_TOKEN}"},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # Examples, coverage (boundary and invalid values per parameter) and fuzzing; the
        # stateful phase needs links between operations, which the schema does not declare.
        "phases": {"stateful": {"enabled": False}},
        # ETags as the API writes them (versions start at 1), a weak one, and odd ones: most
        # writes then get past If-Match to the command, which answers 202 or 412.
        "dictionaries": {"etags": {"values": ETAGS}},
        "parameters": {
            "path.project_id": str(PROJECT_ID),
            "path.interview_id": str(INTERVIEW_ID),
            # One real sentence in every phase (the coverage phase ignores dictionaries): the
            # writes of an operation pile up on it, so versions move on and If-Match goes stale.
            "path.sentence_id": SENTENCE_IDS[1],
            "header.If-Match": {"dictionary": "etags", "probability": 0.8},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture
def fuzzed_api(ingested, role, monkeypatch, caplog, settings) -> Iterator[None]:
    """The ingested project, reachable with FUZZ_TOKEN as a staff user with `role` in it."""
    assert str(ingested["interview_id"]) == str(INTERVIEW_ID), "the sample's ids changed"
    stored = Sentence.objects.filter(interview_id=INTERVIEW_ID).values_list("id", flat=True)
    assert sorted(str(s) for s in stored) == sorted(SENTENCE_IDS)
    admin = User.objects.create_user("ada", is_staff=True)
    grant(username="ada", project_slug="ledgerline", role=role)
    Token.objects.create(user=admin, key=FUZZ_TOKEN)
    # Django's WSGI handler closes "obsolete" connections around each request. Here the
    # connection is inside the test's transaction (and SQLite's test database lives in it), so
    # closing it would lose the data; Django's test client disconnects the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Hundreds of requests by one user must not meet the throttles (the user's 6000/hour, the
    # smaller budgets of exports and uploads): 429s would hide those endpoints' answers. The
    # throttles still run, every scope with a rate the run cannot reach.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", defaultdict(lambda: "100000000/hour"))
    # No projection runner here, so `?wait_for=<generated position>` would wait its full limit:
    # answer at once instead (the bounded wait itself is tested in test_history.py).
    settings.READ_WAIT_SECONDS = 0.0
    # A 5xx's traceback is logged by django.request at ERROR and shows in the failure's
    # captured log; the hundreds of expected 4xx (WARNING) would bury it.
    caplog.set_level(logging.ERROR, logger="django.request")
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()  # the throttles' request history


@schema.parametrize()
# pytest 9.2 builds a node id from the function's name and its parameters only: without a
# parameter, schemathesis 4.32's items (one per operation) would all share one id, which
# pytest's progress and last-failed cache count by. The role is that parameter; an admin
# reaches every code path.
@pytest.mark.parametrize("role", ["admin"])
# Function-scoped fixtures are shared by the examples of one operation on purpose: the
# database carries what earlier requests wrote, as a real server's would.
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_generated_request_gets_a_server_error(case, fuzzed_api, role):
    # A real server runs each request in its own transaction; here all share the test's. On
    # PostgreSQL a failed statement aborts that transaction, which would turn every later
    # request into a 500 too: a savepoint per request keeps each one judged on its own.
    graph_settings = nullcontext()
    if case.operation.path.startswith("/api/v1/graph/"):
        if not GRAPH_URL:
            pytest.skip("the graph endpoints need NEO4J_BOLT_URL (make test starts Neo4j)")
        # tests/conftest.py turns the graph off for tests not marked neo4j; these operations
        # are fuzzed against the real (empty here) graph, so a 503 would be a real failure.
        graph_settings = override_settings(NEO4J_BOLT_URL=GRAPH_URL)
    savepoint = transaction.savepoint()
    try:
        with graph_settings:
            response = case.call()
    except Exception:
        # A streamed answer (the exports) that fails mid-body raises here instead of a 500.
        transaction.savepoint_rollback(savepoint)
        raise
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    if case.method != "GET":
        # Project what a write appended, as the runner would: later reads see it, and a stale
        # If-Match finds its unseen events applied instead of waiting for them.
        ProjectionRunner(
            get_projection("relational"), get_event_store(), settings.PROJECTION_LANES
        ).catch_up()
    # No 5xx but the documented 503, and no status the schema does not list (api.schema).
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
