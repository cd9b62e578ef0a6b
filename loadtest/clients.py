"""The experts: `clients` threads, each with its own HTTP connection and API token, looping for
the run's duration over reads and corrections of the shared sentence pool.

A correction is the UI's loop over the API: GET the sentence (ETag), decide, POST with If-Match.
A 412 is answered as a person would: look at the sentence as it is now (the 412 carries it) and
decide again, at most MAX_ATTEMPTS times — never the same write blindly re-sent
(docs/architecture.md, Corrections). Threads, not processes: the clients wait on the network almost
all the time.
"""

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from loadtest.params import LoadParams
from loadtest.seed import Seeded
from loadtest.writes import Write, choose_write

TIMEOUT_S = 30.0
MAX_ATTEMPTS = 3
# Shares of a client's iterations that are reads of an interview's sentences, of a history;
# the rest are corrections.
READ_LIST, READ_HISTORY = 0.1, 0.1
LIST_PAGE = 50
OK = frozenset({200})
WRITTEN = frozenset({202, 412})  # 412: someone else changed the sentence since it was read


@dataclass(frozen=True)
class Call:
    endpoint: str  # get_sentence, edit, override, confirm, visible, list_sentences, history
    status: int  # 0 when no answer came (connection error, timeout)
    ms: float


@dataclass(frozen=True)
class Accepted:
    """A 202: the write, and where its event is (global position, stream version)."""

    sentence_id: str
    kind: str
    body: dict[str, Any]
    event_ids: tuple[str, ...]
    version: int
    position: int


@dataclass
class Tally:
    """One client's record; merged after the run, so the threads share no lock."""

    calls: list[Call] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)
    lags_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # each unexpected answer, described
    not_visible: int = 0  # lag samples whose write was still not shown after the 5 s wait


@dataclass(frozen=True)
class Outcome:
    elapsed_s: float
    calls: list[Call]
    accepted: list[Accepted]
    lags_ms: list[float]
    failures: list[str]
    not_visible: int


def run_clients(base_url: str, seeded: Seeded, params: LoadParams) -> Outcome:
    """Every client for `params.duration_s` seconds; each finishes the correction under way."""
    stop = threading.Event()
    tallies = [Tally() for _ in range(params.clients)]
    threads = [
        threading.Thread(
            target=_client,
            args=(n, base_url, seeded, params, tallies[n], stop),
            name=f"expert{n + 1:02d}",
            daemon=True,  # Ctrl-C must not wait for a hung request
        )
        for n in range(params.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        stop.wait(params.duration_s)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=MAX_ATTEMPTS * 2 * TIMEOUT_S)
    elapsed = time.perf_counter() - started
    return Outcome(
        elapsed_s=elapsed,
        calls=[c for t in tallies for c in t.calls],
        accepted=[a for t in tallies for a in t.accepted],
        lags_ms=[lag for t in tallies for lag in t.lags_ms],
        failures=[f for t in tallies for f in t.failures],
        not_visible=sum(t.not_visible for t in tallies),
    )


def _client(
    n: int, base_url: str, seeded: Seeded, params: LoadParams, tally: Tally, stop: threading.Event
) -> None:
    token = seeded.tokens[n % len(seeded.tokens)]
    headers = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=TIMEOUT_S) as http:
        expert = Expert(n + 1, http, seeded, params, tally)
        try:
            while not stop.is_set():
                expert.step()
        except Exception as e:  # a defect of this client or an answer it cannot read: stop it
            tally.failures.append(f"client {n + 1} stopped: {e!r}")


class Expert:
    def __init__(
        self, number: int, http: httpx.Client, seeded: Seeded, params: LoadParams, tally: Tally
    ) -> None:
        self.number, self.http, self.seeded, self.params = number, http, seeded, params
        self.tally = tally
        self.rng = random.Random(params.seed * 10_000 + number)
        self.writes = 0

    def step(self) -> None:
        roll = self.rng.random()
        if roll < READ_LIST:
            interview = self.rng.choice(self.seeded.interviews)
            url = f"/api/v1/interviews/{interview}/sentences/"
            self._call("list_sentences", "GET", url, OK, params={"page_size": LIST_PAGE})
        elif roll < READ_LIST + READ_HISTORY:
            url = f"/api/v1/sentences/{self.rng.choice(self.seeded.pool)}/history/"
            self._call("history", "GET", url, OK)
        else:
            self.correct(self.rng.choice(self.seeded.pool))

    def correct(self, sentence_id: str) -> None:
        read = self._read(sentence_id)
        for _ in range(MAX_ATTEMPTS):
            if read is None:
                return
            sentence, etag = read
            self.writes += 1
            write = choose_write(sentence, self.rng, f"{self.number}.{self.writes}")
            answer = self._call(
                write.kind,
                "POST",
                f"/api/v1/sentences/{sentence_id}/{write.kind}/",
                WRITTEN,
                json=write.body,
                headers={"If-Match": etag},
            )
            if answer is None or answer.status_code not in WRITTEN:
                return
            if answer.status_code == 202:
                self._accepted(sentence_id, write, answer)
                return
            read = self._after_conflict(sentence_id, answer)

    def _read(self, sentence_id: str) -> tuple[dict[str, Any], str] | None:
        answer = self._call("get_sentence", "GET", f"/api/v1/sentences/{sentence_id}/", OK)
        if answer is None or answer.status_code != 200:
            return None
        return answer.json(), answer.headers["ETag"]

    def _after_conflict(
        self, sentence_id: str, answer: httpx.Response
    ) -> tuple[dict[str, Any], str] | None:
        """The sentence as the 412 shows it; read again if the read model had not yet caught up
        with the change when the server answered (its representation is then older)."""
        problem = answer.json()
        current = problem.get("current")
        if current is not None and current["version"] == problem["current_version"]:
            return current, answer.headers["ETag"]
        return self._read(sentence_id)

    def _accepted(self, sentence_id: str, write: Write, answer: httpx.Response) -> None:
        arrived = time.perf_counter()
        body = answer.json()
        self.tally.accepted.append(
            Accepted(
                sentence_id=sentence_id,
                kind=write.kind,
                body=write.body,
                event_ids=tuple(body["event_ids"]),
                version=body["version"],
                position=body["position"],
            )
        )
        if self.rng.random() >= self.params.lag_sample:
            return
        # Command-to-visible: from the 202 until a read of the sentence shows the write; the
        # server holds a `wait_for` read until the projection has applied the position.
        shown = self._call(
            "visible",
            "GET",
            f"/api/v1/sentences/{sentence_id}/",
            OK,
            params={"wait_for": body["position"]},
        )
        if shown is None or shown.status_code != 200:
            return
        self.tally.lags_ms.append((time.perf_counter() - arrived) * 1000)
        if shown.json()["version"] < body["version"]:
            self.tally.not_visible += 1

    def _call(
        self, endpoint: str, method: str, url: str, expected: frozenset[int], **kwargs: Any
    ) -> httpx.Response | None:
        """One request, timed and recorded; None if no answer came."""
        started = time.perf_counter()
        try:
            answer = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as e:
            self.tally.calls.append(Call(endpoint, 0, (time.perf_counter() - started) * 1000))
            self.tally.failures.append(f"{endpoint} {method} {url}: no answer: {e!r}")
            return None
        ms = (time.perf_counter() - started) * 1000  # the body is read: the whole exchange
        self.tally.calls.append(Call(endpoint, answer.status_code, ms))
        if answer.status_code not in expected:
            self.tally.failures.append(
                f"{endpoint} {method} {url}: {answer.status_code} {answer.text[:300]}"
            )
        return answer
