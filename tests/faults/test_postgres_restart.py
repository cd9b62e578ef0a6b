"""PostgreSQL stopped (fast: every session terminated) and started again while the web server
and the projection runner are busy with corrections and reads.

While it is down, every request is answered 503 with Retry-After — a problem for the API, a
page for the UI — and never a 500; once it is back the same server answers normally, without a
restart. The runner waits the outage out and catches up by itself. Afterwards nothing is half
written: every 202 is in the log, every correction in the log was answered 202 (a 503 wrote
nothing), and the read model is the one a clean replay builds.

The test runs its own PostgreSQL cluster (it stops it), so it is independent of the pass's
database: it runs in the PostgreSQL pass only, where Debian's PostgreSQL is installed.
"""

import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import cycle
from typing import Any

import httpx
import pytest
from django.db import connection  # noqa: F401 (read by the skipif condition)

from api.problems import PROBLEM
from common.outage import DATABASE_UNAVAILABLE
from events.dimensions import PURPOSES
from tests.api.test_whole_product import SETUP
from tests.conftest import POSTGRES_ONLY
from tests.faults.servers import answers_ok, free_port, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason=POSTGRES_ONLY),
]

# After SETUP (a project, its reviewer "ines" with an API token): a sample interview in it,
# projected, and a browser session for ines.
INGEST = """
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from events.wiring import get_event_store
from tests.ingestion.helpers import ingest_sample
outcome = ingest_sample(get_event_store(), slug="field")
call_command("runprojections", "--once")
ines = User.objects.get(username="ines")
browser = Client()
browser.force_login(ines)
print(ines.auth_token.key, outcome.interview_id, browser.cookies["sessionid"].value)
"""
# `projection_digest`, `replay` and `projection_digest` again, in one child (Django starts once).
DIGEST_REPLAY_DIGEST = """
from io import StringIO
from django.core.management import call_command
def digest():
    out = StringIO()
    call_command("projection_digest", "relational", stdout=out)
    return out.getvalue().strip()
resumed = digest()
call_command("replay", "relational", "--yes", stdout=StringIO())
print(resumed, digest())
"""
WRITERS, SENTENCES_PER_WRITER = 2, 3
DOWN_SECONDS = 5


@dataclass
class Answer:
    kind: str  # write, read or page
    sent: str  # the phase when the request was sent
    answered: str  # the phase when its answer came
    status: int  # 0: no HTTP answer at all
    content_type: str = ""
    retry_after: str | None = None
    body: str = ""
    sentence: str | None = None
    event_ids: list[str] = field(default_factory=list)


class Traffic:
    """Clients in threads, each answer recorded with the phase of the outage it saw."""

    def __init__(self, base: str, token: str, session: str) -> None:
        self.base, self.token, self.session = base, token, session
        self.phase = "before"
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.failures: list[BaseException] = []
        self.clients: list[httpx.Client] = []
        self._lock = threading.Lock()

    def api(self) -> httpx.Client:
        """A client of the REST API, with the reviewer's token."""
        headers = {"Authorization": f"Token {self.token}"}
        self.clients.append(httpx.Client(base_url=self.base, headers=headers, timeout=20))
        return self.clients[-1]

    def browser(self) -> httpx.Client:
        """A browser of the pages, logged in as the reviewer."""
        cookies = {"sessionid": self.session}
        self.clients.append(httpx.Client(base_url=self.base, cookies=cookies, timeout=20))
        return self.clients[-1]

    def start(self, target: Any, *args: Any) -> None:
        def run() -> None:
            try:
                while not self.stopping.is_set():
                    target(*args)
            except BaseException as e:  # a client's own bug must fail the test, not vanish
                self.failures.append(e)

        self.threads.append(threading.Thread(target=run, daemon=True))
        self.threads[-1].start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)
        for client in self.clients:
            client.close()
        assert not self.failures, self.failures

    def send(self, kind: str, client: httpx.Client, method: str, url: str, **kw: Any) -> Answer:
        sent = self.phase
        try:
            response = client.request(method, url, **kw)
        except httpx.TransportError as e:
            answer = Answer(kind, sent, self.phase, 0, body=repr(e))
        else:
            answer = Answer(
                kind,
                sent,
                self.phase,
                response.status_code,
                response.headers.get("content-type", ""),
                response.headers.get("retry-after"),
                response.text[:2000],
            )
        with self._lock:
            self.answers.append(answer)
        time.sleep(0.02)  # a little air for the 2 CPUs the server and runner share
        return answer

    def of(self, kind: str, *, sent: str | None = None, status: int | None = None) -> list[Answer]:
        """The answers of one kind; with `sent`, only those sent and answered in that phase."""
        return [
            a
            for a in self.answers
            if a.kind == kind
            and (sent is None or a.sent == sent == a.answered)
            and (status is None or a.status == status)
        ]


class Writer:
    """An expert correcting their own sentences in turn — override, confirm, edit, confirm —
    with the version of their last accepted write as If-Match. Nobody else writes to these
    sentences, so a 412 would mean a write answered 503 had been recorded after all."""

    def __init__(self, traffic: Traffic, sentences: list[dict[str, Any]]) -> None:
        self.traffic, self.client = traffic, traffic.api()
        self.sentences = [s["id"] for s in sentences]
        self.version = {s["id"]: s["version"] for s in sentences}
        self.purpose = {s["id"]: s["effective"].get("purpose") for s in sentences}
        self.steps = {s["id"]: cycle(("override", "confirm", "edit", "confirm")) for s in sentences}
        self.step = {sid: next(self.steps[sid]) for sid in self.sentences}
        self.edits = 0

    def __call__(self) -> None:
        for sid in self.sentences:
            step = self.step[sid]
            body = self._body(sid, step)
            answer = self.traffic.send(
                "write",
                self.client,
                "POST",
                f"/api/v1/sentences/{sid}/{step}/",
                json=body,
                headers={"If-Match": f'"{self.version[sid]}"'},
            )
            answer.sentence = sid
            if answer.status != 202:
                continue  # the same step again next round, with the same If-Match
            written = json.loads(answer.body)
            answer.event_ids = written["event_ids"]
            self.version[sid] = written["version"]
            if step == "override":
                self.purpose[sid] = body["fields"]["purpose"]
            self.step[sid] = next(self.steps[sid])

    def _body(self, sid: str, step: str) -> dict[str, Any]:
        if step == "override":
            label = next(p for p in PURPOSES if p != self.purpose[sid])
            return {"fields": {"purpose": label}, "reason": "checked against the recording"}
        if step == "edit":
            self.edits += 1
            return {"text": f"Revised wording number {self.edits}.", "reason": "typo"}
        return {"note": "looks right"}


def read(traffic: Traffic, client: httpx.Client, interview_id: str, sentence_id: str) -> None:
    traffic.send(
        "read", client, "GET", f"/api/v1/interviews/{interview_id}/sentences/?page_size=20"
    )
    traffic.send("read", client, "GET", f"/api/v1/sentences/{sentence_id}/history/")


def browse(traffic: Traffic, client: httpx.Client) -> None:
    traffic.send("page", client, "GET", "/projects/field/")


def test_the_product_rides_out_a_postgres_restart_without_a_500_or_a_half_written_change(
    own_postgres, manage_process, background
):
    env, manage = manage_process
    url = own_postgres.create("faults")
    # One secret for all: the browser session made by INGEST is signed with it.
    own_env = {**env, "DATABASE_URL": url, "SECRET_KEY": "fault-test-" * 5}
    run = partial(manage, extra_env=own_env)
    run("migrate", "--no-input", check=True)
    setup = run("shell", "-c", SETUP + INGEST, check=True)
    token, interview_id, session = setup.stdout.split()[-3:]

    port = free_port()
    # DEBUG off, as in production: Django's own answer to an unhandled error is its 500 page.
    web_env = {**own_env, "DEBUG": "0"}
    web = background(web_env, "runserver", "--noreload", f"127.0.0.1:{port}")
    runner = background(own_env, "runprojections", "--interval", "0.2")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers_ok(f"{base}/health/live"), 60, "the web server did not start")
    traffic = Traffic(base, token, session)
    api = traffic.api()
    listed = api.get(f"/api/v1/interviews/{interview_id}/sentences/?page_size=20").json()
    ready = api.get("/health/ready").json()
    head = ready["checks"]["event_store"]["details"]["head_position"]  # before any correction
    sentences = listed["results"][: WRITERS * SENTENCES_PER_WRITER]
    writers = [
        Writer(traffic, sentences[n * SENTENCES_PER_WRITER : (n + 1) * SENTENCES_PER_WRITER])
        for n in range(WRITERS)
    ]
    for writer in writers:
        traffic.start(writer)
    traffic.start(read, traffic, api, interview_id, sentences[-1]["id"])
    traffic.start(browse, traffic, traffic.browser())

    try:
        wait_for(lambda: len(traffic.of("write", status=202)) >= 10, 60, "no corrections")
        traffic.phase = "stopping"
        own_postgres.stop("fast")
        traffic.phase = "down"
        time.sleep(DOWN_SECONDS)
        assert web.running
        assert runner.running
        traffic.phase = "starting"
        own_postgres.start()
        traffic.phase = "after"
        accepted = len(traffic.of("write", status=202))
        wait_for(
            lambda: len(traffic.of("write", status=202)) >= accepted + 10,
            60,
            "no corrections accepted after the restart",
        )
    finally:
        traffic.stop()

    # Down: 503s with Retry-After and a clear reason, for every kind of request.
    for kind in ("write", "read", "page"):
        down = traffic.of(kind, sent="down")
        assert down, f"no {kind} was answered while the database was down"
        assert {a.status for a in down} == {503}, [(a.status, a.body[:200]) for a in down]
    for answer in traffic.of("write", status=503) + traffic.of("read", status=503):
        assert answer.content_type == PROBLEM, answer
        assert answer.retry_after is not None, answer
        problem = json.loads(answer.body)
        assert (problem["status"], problem["title"]) == (503, "Service unavailable")
        if answer.sent == "down":
            assert problem["detail"] == DATABASE_UNAVAILABLE
    for answer in traffic.of("page", status=503):
        assert answer.content_type.startswith("text/html"), answer
        assert answer.retry_after is not None, answer
        assert DATABASE_UNAVAILABLE in answer.body, answer
    # Never a 500 or a dropped connection; after the restart, everything answered normally.
    expected = {"write": {202, 503}, "read": {200, 503}, "page": {200, 503}}
    for answer in traffic.answers:
        assert answer.status in expected[answer.kind], answer
        if answer.sent == "after":
            assert answer.status < 300, answer

    with httpx.Client(base_url=base, timeout=20) as client:

        def caught_up() -> dict[str, Any] | None:
            ready = client.get("/health/ready").json()
            checks = ready["checks"]
            lag = checks["projections"]["details"].get("relational", {}).get("lag_events")
            return checks if ready["status"] == "ok" and lag == 0 else None

        checks = wait_for(caught_up, 60, "the runner did not catch up after the restart")
    assert checks["parked"]["details"]["events"] == {"relational": 0}
    assert web.running
    output = runner.output()
    # The runner said it was waiting (the message names the part that failed).
    assert "; retrying in" in output, output[-3000:]
    assert runner.stop() == 0, output[-3000:]
    assert re.search(r"relational: applied \d+, parked 0$", runner.output(), re.M)

    # Nothing half written: the log's corrections are exactly the accepted ones.
    tail = run("events", "tail", "--json", "--category", "Sentence", check=True).stdout
    events = [json.loads(line) for line in tail.splitlines()]
    for stream in {e["stream"] for e in events}:
        versions = [e["version"] for e in events if e["stream"] == stream]
        assert versions == list(range(len(versions))), f"gap or duplicate in {stream}"
    logged: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event["position"] > head:
            logged[event["aggregate_id"]].add(event["event_id"])
    answered: dict[str, set[str]] = defaultdict(set)
    for answer in traffic.of("write", status=202):
        answered[answer.sentence].update(answer.event_ids)
    assert logged == answered

    # The read model the runner built through the outage is the one a clean replay builds.
    resumed, replayed = run("shell", "-c", DIGEST_REPLAY_DIGEST, check=True).stdout.split()[-2:]
    assert replayed == resumed
