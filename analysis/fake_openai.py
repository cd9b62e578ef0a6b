"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

It answers `POST /v1/chat/completions` the way our `openai` analyzer needs: valid, deterministic
labels derived from the target sentence (the line marked `>>> … <<<`), unless the next entry of
its `script` says otherwise. Script entries are consumed one per request, in arrival order;
when the script is empty every request gets "ok".

Behaviours:
- "ok": a valid answer with confidences.
- "missing_confidence": a valid answer without its "confidence" object.
- "malformed_json": a completion whose content is not JSON.
- "bad_labels": well-formed JSON with labels outside the label sets of
  docs/architecture.md, Dimensions.
- "disconnect": the connection closes without a response.
- ("status", code) or ("status", code, {header: value}): an OpenAI-style error response.
- ("hang", seconds): wait that long before answering "ok" (for client timeouts).
- ("values", {dimension: value}): a valid answer with these values put in.
- ("content", text): this text as the completion's content.

Every request is checked for `Authorization: Bearer <api_key>` first (a 401 otherwise, consuming
no script entry) and delayed by `latency` seconds while counted as in flight.
"""

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from analysis.openai_prompt import DOMAIN_LIST_HEADING
from events.dimensions import MAX_KEYWORDS

Behaviour = str | tuple[Any, ...]

_TARGET = re.compile(r">>> (.*) <<<")
_BAD_LABELS = {"function_type": "rhetorical", "topic_level_1": "weather"}
_NOT_JSON = "Sure! Here are the labels: function_type=declarative"


def default_answer(target: str, domain_keywords: Iterable[str]) -> dict[str, Any]:
    """Valid, deterministic values and confidences for the target sentence (rendered line)."""
    lowered = target.lower()
    ending = target.rstrip()[-1:]
    mentioned = [
        k for k in domain_keywords if re.search(rf"(?<!\w){re.escape(k.lower())}(?!\w)", lowered)
    ][:MAX_KEYWORDS]
    dependent = any(f" {word} " in lowered for word in ("because", "when", "which", "although"))
    coordinated = any(joint in lowered for joint in (", and ", ", but ", "; "))
    structure = {
        (False, False): "simple",
        (True, False): "complex",
        (False, True): "compound",
        (True, True): "compound-complex",
    }[dependent, coordinated]
    words = list(dict.fromkeys(re.findall(r"[a-z]{5,}", lowered)))
    values = {
        "function_type": {"?": "interrogative", "!": "exclamatory"}.get(ending, "declarative"),
        "structure_type": structure,
        "purpose": {"?": "Query", "!": "Exclamation"}.get(ending, "Statement"),
        "topic_level_1": "tools" if mentioned else "experiences",
        "topic_level_3": "tools" if mentioned else "processes",
        "overall_keywords": words[:3],
        "domain_keywords": mentioned,
    }
    confidence = dict.fromkeys(values, 0.8) | {"function_type": 0.95}
    return {"values": values, "confidence": confidence}


@dataclass
class _Reply:
    status: int = 200
    body: dict[str, Any] | None = None  # None: close the connection without answering
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> _Reply:
    kind = "invalid_request_error" if status < 500 else "server_error"
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return _Reply(status, body, dict(headers or {}))


def _prompt_parts(request: Mapping[str, Any]) -> tuple[str, list[str]]:
    """(the target line, the project's domain keywords) from our analyzer's messages."""
    messages = request.get("messages") or []
    system = next((m["content"] for m in messages if m.get("role") == "system"), "")
    user = next((m["content"] for m in messages if m.get("role") == "user"), "")
    target = _TARGET.search(user)
    if target is None:
        raise ValueError("no target sentence marked >>> like this <<< in the user message")
    listing = next(
        (line for line in system.splitlines() if line.startswith(DOMAIN_LIST_HEADING)), None
    )
    keywords = json.loads(listing.removeprefix(DOMAIN_LIST_HEADING)) if listing else []
    return target.group(1), keywords


class FakeOpenAIServer:
    """Start with `with FakeOpenAIServer(...) as server:` or start()/stop()."""

    def __init__(
        self,
        *,
        api_key: str = "sk-fake-key",
        latency: float = 0.0,
        script: Iterable[Behaviour] = (),
        reported_model: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.latency = latency
        self.reported_model = reported_model  # the `model` answered; default: the one asked for
        self.max_in_flight = 0
        self._script: deque[Behaviour] = deque(script)
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._authorizations: list[str | None] = []
        self._in_flight = 0
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        self._httpd = _Server(self)
        # A short poll interval: stop() waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends hangs and latencies at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests look at ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the fake server is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def in_flight(self) -> int:
        """Requests received and not answered yet (a request is recorded after the latency)."""
        with self._lock:
            return self._in_flight

    @property
    def authorizations(self) -> list[str | None]:
        """The Authorization header of each request, in arrival order."""
        with self._lock:
            return list(self._authorizations)

    def add(self, *behaviours: Behaviour) -> None:
        """Append behaviours to the script."""
        with self._lock:
            self._script.extend(behaviours)

    # --- answering ------------------------------------------------------------------------------

    def reply(self, path: str, authorization: str | None, raw: bytes) -> _Reply:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            self._stopping.wait(self.latency)
            return self._answer(path, authorization, raw)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, path: str, authorization: str | None, raw: bytes) -> _Reply:
        if path != "/v1/chat/completions":
            return _error(404, f"Unknown request URL: POST {path}")
        try:
            request = json.loads(raw)
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.")
        with self._lock:
            self._requests.append(request)
            self._authorizations.append(authorization)
        if authorization != f"Bearer {self.api_key}":
            presented = (authorization or "").removeprefix("Bearer ")
            return _error(401, f"Incorrect API key provided: {presented}.")
        with self._lock:
            behaviour = self._script.popleft() if self._script else "ok"
        try:
            return self._behave(behaviour, request)
        except ValueError as e:
            return _error(400, str(e))

    def _behave(self, behaviour: Behaviour, request: dict[str, Any]) -> _Reply:
        kind, *args = (behaviour,) if isinstance(behaviour, str) else behaviour
        if kind == "status":
            return _error(args[0], f"fake {args[0]}", *args[1:])
        if kind == "disconnect":
            return _Reply(body=None)
        if kind == "malformed_json":
            return self._completion(request, _NOT_JSON)
        if kind == "content":
            return self._completion(request, args[0])
        if kind == "hang":
            self._stopping.wait(args[0])
        answer = default_answer(*_prompt_parts(request))
        if kind == "missing_confidence":
            del answer["confidence"]
        elif kind == "bad_labels":
            answer["values"] |= _BAD_LABELS
        elif kind == "values":
            answer["values"] |= args[0]
        elif kind not in {"ok", "hang"}:
            raise ValueError(f"the fake server has no behaviour {behaviour!r}")
        return self._completion(request, json.dumps(answer))

    def _completion(self, request: Mapping[str, Any], content: str) -> _Reply:
        body = {
            "id": f"chatcmpl-fake-{time.monotonic_ns()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.reported_model or request.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
        return _Reply(body=body)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a larger burst of new connections,
    # and the client retries them only a second later: a benchmark at concurrency 10 would
    # measure that second, not the server.
    request_queue_size = 128

    def __init__(self, fake: FakeOpenAIServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    protocol_version = "HTTP/1.1"  # keep-alive, as the analyzer's connection pool expects
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK
    # (~40 ms a response), which would swamp the configured latency in benchmarks.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = self.server.fake.reply(self.path, self.headers.get("Authorization"), raw)
        if reply.body is None:
            self.close_connection = True
            return
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks read `requests`, not a log on stderr."""
