"""The `openai` analyzer: any OpenAI-compatible chat-completions endpoint
(docs/architecture.md, Dimensions).

OpenAI, Azure, vLLM and Ollama all speak `POST {base_url}/chat/completions`. One call per
sentence, JSON output validated against the label sets of docs/architecture.md, Dimensions, at most
`concurrency` calls in flight, retries with exponential backoff and jitter, and a timeout on every
call.

The prompt, the reading of replies and their leniencies live in `analysis.openai_prompt`.
"""

import email.utils
import json
import logging
import math
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime

import httpx

from analysis.openai_prompt import (
    PROMPT_VERSION,
    UnusableAnswer,
    parse_answer,
    system_prompt,
    user_message,
)
from analysis.port import Analysis, AnalysisRequest, Analyzer, AnalyzerError

logger = logging.getLogger(__name__)

# 408 and 429 say "not now"; 5xx say "not us". Other 4xx will answer the same way next time.
RETRYABLE_STATUSES = frozenset({408, 429})


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
        # Four rounds of calls per batch: every slot stays busy between the rounds' stragglers.
        self.batch_size = 4 * concurrency
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
        try:
            return parse_answer(content, request), model or self.model
        except UnusableAnswer as e:
            raise _AttemptFailed(e.problem, transient=False, answer=e.answer) from None

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
