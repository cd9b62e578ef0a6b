"""The `openai` analyzer: any OpenAI-compatible chat-completions endpoint (SPEC 4).

OpenAI, Azure, vLLM and Ollama all speak `POST {base_url}/chat/completions`. One call per
sentence, JSON output validated against SPEC 4's sets, at most `concurrency` calls in flight,
retries with exponential backoff and jitter, and a timeout on every call.

Leniencies — each harmless, each applied before `validate_analysis` sees the answer:
- a label that differs from an allowed one only in case or spacing ("Pain  Points") is read as
  that label ("pain points");
- keyword lists longer than six keep their first six (models overshoot; order is their ranking);
- an answer wrapped in a Markdown code fence is unwrapped (local servers without JSON mode do it);
- a confidence that is missing, not a number or outside [0, 1] is left out, never invented or
  clamped (85 may mean 0.85 or nothing).
Anything else outside the sets (an unknown label, a domain keyword not on the project's list) is
re-asked, quoting the problem back to the model; that counts as an attempt.
"""

import email.utils
import json
import logging
import math
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

import httpx

from analysis.port import Analysis, AnalysisRequest, Analyzer, AnalyzerError, validate_analysis
from events.dimensions import DIMENSIONS, MAX_KEYWORDS, Dimension, InvalidDimensionValue

logger = logging.getLogger(__name__)

# Bump whenever SYSTEM_PROMPT, the user message layout or the leniencies change: the version is
# recorded with every analysis so results from different prompts are never mistaken for each other.
PROMPT_VERSION = "2026-11-27.1"

# The line of the system prompt that carries the project's list, as JSON so that keywords with
# commas or slashes ("CI/CD", "UX/UI") stay unambiguous. The fake server reads it back.
DOMAIN_LIST_HEADING = "Project domain keywords (JSON):"

# 408 and 429 say "not now"; 5xx say "not us". Other 4xx will answer the same way next time.
RETRYABLE_STATUSES = frozenset({408, 429})

_GUIDANCE: dict[Dimension, str] = {
    Dimension.FUNCTION_TYPE: "the grammatical sentence type",
    Dimension.STRUCTURE_TYPE: (
        "clause structure: simple = one independent clause; compound = two or more independent"
        " clauses; complex = one independent clause and at least one dependent clause;"
        " compound-complex = both"
    ),
    Dimension.PURPOSE: "what the speaker does with the sentence in the conversation",
    Dimension.TOPIC_LEVEL_1: "the topic of the immediate exchange",
    Dimension.TOPIC_LEVEL_3: "the topic of the wider passage",
    Dimension.OVERALL_KEYWORDS: "short lower-case key phrases saying what the passage is about",
    Dimension.DOMAIN_KEYWORDS: (
        "entries of the project's domain keyword list that the target sentence mentions or"
        " clearly refers to, spelled exactly as in the list; [] if none"
    ),
}


def _describe(dimension: Dimension) -> str:
    spec = DIMENSIONS[dimension]
    if spec.labels is not None:
        allowed = "exactly one of: " + ", ".join(spec.labels)
    else:
        allowed = f"a JSON list of at most {MAX_KEYWORDS} strings"
    seen = (
        "the target sentence alone"
        if spec.context == 0
        else f"the target and up to {spec.context} sentence{'s' * (spec.context > 1)} either side"
    )
    return f"- {dimension.value}: {_GUIDANCE[dimension]}. Value: {allowed}. Judge from {seen}."


SYSTEM_PROMPT = "\n".join(
    [
        "You label one sentence (the target) of an interview transcript on seven dimensions.",
        "",
        "Dimensions:",
        *(_describe(d) for d in DIMENSIONS),
        "",
        "Reply with one JSON object and nothing else, in this shape:",
        '{"values": {"<dimension>": <value>, ...},'
        ' "confidence": {"<dimension>": <number from 0 to 1>, ...}}',
        "Give every dimension exactly once, spelling labels exactly as listed. A confidence says",
        "how sure you are of that value: 0 is a guess, 1 is certain.",
        "",
        "The user message holds context windows, one utterance per line, the target marked",
        ">>> like this <<<. Each window names the dimensions it is for; judge a dimension only",
        "from its own window.",
    ]
)


def system_prompt(domain_keywords: Sequence[str]) -> str:
    # The instructions come first and the list last, so every request of a project shares one
    # long identical prefix that providers can cache.
    return f"{SYSTEM_PROMPT}\n\n{DOMAIN_LIST_HEADING} {json.dumps(list(domain_keywords))}"


def user_message(request: AnalysisRequest) -> str:
    """Each distinct window once, headed by the dimensions that may use it.

    Windows are nested, so sending only the widest would be shorter — but a model cannot be
    trusted to count ±N lines itself; an explicit window per neighbourhood keeps each dimension
    to the context SPEC 4 gives it. Near the edges of an interview windows coincide and merge.
    """
    windows: dict[str, list[str]] = {}  # rendered window -> the dimensions it is for
    for dimension in DIMENSIONS:
        windows.setdefault(request.window(dimension).render(), []).append(dimension.value)
    return "\n\n".join(
        f"Window for {', '.join(names)}:\n{rendered}" for rendered, names in windows.items()
    )


class _AttemptFailed(Exception):
    """One attempt went wrong in a way another attempt may fix.

    `transient`: the provider failed (transport, 5xx, 429) and may recover later; otherwise the
    answer was unusable. `answer` is the model's unusable reply, quoted back when re-asking.
    """

    def __init__(
        self,
        problem: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        answer: str | None = None,
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.transient = transient
        self.retry_after = retry_after
        self.answer = answer


class _Cancelled(Exception):
    """Another request of the batch failed; this one stopped before its next attempt."""


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _lenient(values: Mapping[str, Any]) -> dict[str, Any]:
    """The harmless leniencies of the module docstring; everything else is left to validation."""
    fixed = dict(values)
    for dimension, spec in DIMENSIONS.items():
        value = fixed.get(dimension.value)
        if spec.labels is not None and isinstance(value, str):
            canonical = {_squash(label): label for label in spec.labels}
            fixed[dimension.value] = canonical.get(_squash(value), value)
        elif spec.multi and isinstance(value, list):
            fixed[dimension.value] = value[:MAX_KEYWORDS]
    return fixed


def _confidences(raw: object, dimensions: Sequence[str]) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    found = {name: raw.get(name) for name in dimensions}
    return {
        name: float(value)
        for name, value in found.items()
        # bool is an int, and NaN fails every comparison: both are left out.
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    }


def _unfence(content: str) -> str:
    text = content.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text[3:-3]
        return text.removeprefix("json").strip()
    return text


def parse_answer(content: str, request: AnalysisRequest) -> Analysis:
    """The model's reply as a validated Analysis; _AttemptFailed if it is unusable."""

    def unusable(problem: str) -> _AttemptFailed:
        return _AttemptFailed(problem, transient=False, answer=content)

    try:
        answer = json.loads(_unfence(content))
    except ValueError:
        raise unusable("the reply is not valid JSON") from None
    values = answer.get("values") if isinstance(answer, dict) else None
    if not isinstance(values, dict):
        raise unusable('the reply has no "values" object')
    try:
        valid = validate_analysis(_lenient(values), request.domain_keywords)
    except InvalidDimensionValue as e:
        raise unusable(str(e)) from None
    return Analysis(values=valid, confidence=_confidences(answer.get("confidence"), list(valid)))


def _completion(response: httpx.Response) -> tuple[str, str | None]:
    """(the model's reply, the model the server says answered) from a successful response."""
    try:
        body = response.json()
        content = body["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _AttemptFailed("the response is not a chat completion", transient=False) from None
    if not isinstance(content, str):
        raise _AttemptFailed("the completion has no text content", transient=False)
    model = body.get("model")
    return content, model if isinstance(model, str) and model else None


def server_message(response: httpx.Response) -> str:
    """The error text of a refused call: OpenAI's `{"error": {"message"}}`, vLLM's and Ollama's
    `{"error": "..."}`, or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    if isinstance(error, str):
        return error
    return json.dumps(body)[:200]


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """A `Retry-After` header (seconds or an HTTP date) as seconds from now; None if unusable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:60] + "…")


class OpenAIAnalyzer(Analyzer):
    """The analyzer backed by an OpenAI-compatible chat-completions endpoint.

    `model_version` is what the server says answered (its response's `model`, e.g. a dated
    snapshot of `model`): it is the configured model until a batch succeeds, then that batch's
    reported model(s), comma-separated if a load balancer mixed several. Read it after `analyze`.
    One analyzer serves one batch at a time.

    `sleep` replaces the wait between attempts (tests record it); by default the wait ends early
    when another request of the batch fails, so a failed batch is given up without delay.
    """

    name = "openai"
    prompt_version = PROMPT_VERSION

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        concurrency: int = 4,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        _check_url(base_url)
        _check_api_key(api_key)
        if not isinstance(model, str) or not model.strip():
            raise ValueError("model must name the model to call, e.g. gpt-4o-mini")
        _check_count("concurrency", concurrency)
        _check_count("max_attempts", max_attempts)
        _check_seconds("timeout", timeout, at_least=0, strictly=True)
        _check_seconds("backoff_base", backoff_base, at_least=0)
        _check_seconds("backoff_max", backoff_max, at_least=backoff_base)
        self.model = model
        self.model_version = model
        self.concurrency = concurrency
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._api_key = api_key
        self._sleep = sleep
        self._random = random.Random()
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency),
        )
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="openai")

    def __repr__(self) -> str:  # never the API key
        return f"OpenAIAnalyzer(url={self._url!r}, model={self.model!r})"

    def analyze(self, requests: Sequence[AnalysisRequest]) -> list[Analysis]:
        cancelled = threading.Event()
        futures = [self._executor.submit(self._analyze_one, r, cancelled) for r in requests]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
            failure = _first_failure(futures)
            if failure is not None:
                # All or nothing: stop the rest, and return only once none of this batch runs.
                cancelled.set()
                for future in futures:
                    future.cancel()
                wait(futures)
                raise failure
        finally:
            cancelled.set()  # also on KeyboardInterrupt: queued requests stop before calling
        results = [future.result() for future in futures]
        if results:
            self.model_version = ", ".join(sorted({model for _, model in results}))
        return [analysis for analysis, _ in results]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def _analyze_one(
        self, request: AnalysisRequest, cancelled: threading.Event
    ) -> tuple[Analysis, str]:
        try:
            return self._retrying(request, cancelled)
        except _Cancelled:
            raise
        except BaseException:
            # Set here, not only in `analyze`: this worker would otherwise take the next queued
            # request of the batch before the caller's thread even wakes up.
            cancelled.set()
            raise

    def _retrying(
        self, request: AnalysisRequest, cancelled: threading.Event
    ) -> tuple[Analysis, str]:
        messages = [
            {"role": "system", "content": system_prompt(request.domain_keywords)},
            {"role": "user", "content": user_message(request)},
        ]
        failed: _AttemptFailed | None = None
        for attempt in range(1, self.max_attempts + 1):
            if cancelled.is_set():
                raise _Cancelled
            try:
                return self._attempt(request, messages + _correction(failed))
            except _AttemptFailed as e:
                failed = e
            if attempt < self.max_attempts:
                delay = self._delay(attempt, failed.retry_after)
                logger.info(
                    "openai analyzer: %s; retrying %s in %.2fs (attempt %d of %d)",
                    failed.problem,
                    _quote(request.text),
                    delay,
                    attempt + 1,
                    self.max_attempts,
                )
                self._wait(delay, cancelled)
        assert failed is not None  # max_attempts >= 1
        raise AnalyzerError(
            f"openai analyzer gave up on {_quote(request.text)} after {self.max_attempts}"
            f" attempts: {failed.problem}",
            retryable=failed.transient,
        )

    def _attempt(self, request: AnalysisRequest, messages: list[dict]) -> tuple[Analysis, str]:
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {"type": "json_object"},
        }
        try:
            response = self._client.post(self._url, json=body)
        except httpx.TimeoutException as e:
            raise _AttemptFailed(
                f"no answer within {self.timeout}s ({type(e).__name__})", transient=True
            ) from e
        except httpx.TransportError as e:
            raise _AttemptFailed(f"{type(e).__name__}: {e}", transient=True) from e
        if not response.is_success:
            self._refuse(response, request)
        content, model = _completion(response)
        return parse_answer(content, request), model or self.model

    def _refuse(self, response: httpx.Response, request: AnalysisRequest) -> None:
        """Raise for an unsuccessful response: _AttemptFailed if retrying may help, else
        AnalyzerError at once."""
        # Some providers echo the presented key back in their error text.
        message = server_message(response).replace(self._api_key, "***")
        problem = f"HTTP {response.status_code}: {message}"
        status = response.status_code
        if status in RETRYABLE_STATUSES or status >= 500:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise _AttemptFailed(problem, transient=True, retry_after=retry_after)
        raise AnalyzerError(
            f"openai analyzer was refused for {_quote(request.text)}: {problem}", retryable=False
        )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:  # the server knows best when it can take us again
            return min(retry_after, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        # "Equal jitter": always wait at least half, so a herd of retries cannot come back at
        # once, nor all immediately.
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    def _wait(self, delay: float, cancelled: threading.Event) -> None:
        if self._sleep is not None:
            self._sleep(delay)
        else:
            cancelled.wait(delay)


def _check_url(base_url: str) -> None:
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(
            f"base_url must be an http(s) URL such as https://api.openai.com/v1, not {base_url!r}"
        )


def _check_api_key(api_key: str) -> None:
    if not isinstance(api_key, str) or not api_key.strip() or any(c.isspace() for c in api_key):
        raise ValueError(
            "api_key must be a non-empty string without spaces (local servers such as Ollama "
            "accept any placeholder)"
        )


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, not {value!r}")


def _check_seconds(name: str, value: float, *, at_least: float, strictly: bool = False) -> None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    # NaN fails both comparisons, so it is refused too.
    if not is_number or not (value > at_least if strictly else value >= at_least):
        bound = f"{'>' if strictly else '>='} {at_least:g}"
        raise ValueError(f"{name} must be a number of seconds {bound}, not {value!r}")


def _correction(failed: _AttemptFailed | None) -> list[dict]:
    """After an unusable answer, the answer and what was wrong with it: at temperature 0 the
    same question would only get the same answer again."""
    if failed is None or failed.answer is None:
        return []
    return [
        {"role": "assistant", "content": failed.answer},
        {
            "role": "user",
            "content": f"That reply cannot be used: {failed.problem}. Reply again with the JSON "
            "object only, using only the allowed values.",
        },
    ]


def _first_failure(futures: Sequence[Future]) -> BaseException | None:
    """The error of the first request (in batch order) that failed on its own account."""
    for future in futures:
        if not future.done() or future.cancelled():
            continue
        error = future.exception()
        if error is not None and not isinstance(error, _Cancelled):
            return error
    return None
