"""The `openai` analyzer against the fake OpenAI-compatible server, over real HTTP on 127.0.0.1.

Waits between attempts go to an injected `sleep` that only records them, so retries cost no time;
only timeouts and latencies are real (and short).
"""

import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from analysis.context import analysis_requests
from analysis.fake_openai import FakeOpenAIServer, default_answer
from analysis.openai_compatible import OpenAIAnalyzer
from analysis.port import AnalyzerError, Utterance, validate_analysis
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS, Dimension

KEY = "sk-test-owner-0123456789"
BACKOFF = 0.01


def requests_for(*texts, domain_keywords=DEFAULT_DOMAIN_KEYWORDS):
    speakers = ("Interviewer", "Interviewee")
    utterances = [Utterance(text, speakers[i % 2]) for i, text in enumerate(texts)]
    return analysis_requests(utterances, domain_keywords)


def numbered(count):
    return requests_for(*(f"Sentence number {i} about our Jira board." for i in range(count)))


@pytest.fixture
def server():
    with FakeOpenAIServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_analyzer(server, sleeps):
    made = []

    def make(**overrides):
        options = {
            "base_url": server.base_url,
            "api_key": KEY,
            "model": "gpt-test",
            "concurrency": 2,
            "timeout": 2.0,
            "max_attempts": 3,
            "backoff_base": BACKOFF,
            "backoff_max": 60.0,
            "sleep": sleeps.append,
        } | overrides
        analyzer = OpenAIAnalyzer(**options)
        made.append(analyzer)
        return analyzer

    yield make
    for analyzer in made:
        analyzer.close()


def user_message(body):
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


# --- a good batch ---------------------------------------------------------------------------------


def test_it_returns_one_valid_analysis_per_sentence_in_request_order(server, make_analyzer):
    # The first request to arrive hangs a little, so answers complete out of order.
    server.add(("hang", 0.2))
    requests = requests_for("Why did the sprint slip?", "It slipped!", "We use Jira.") * 2

    results = make_analyzer(concurrency=4).analyze(requests)

    assert [r.values["function_type"] for r in results] == [
        "interrogative", "exclamatory", "declarative",
    ] * 2  # fmt: skip
    for request, result in zip(requests, results, strict=True):
        assert validate_analysis(result.values, request.domain_keywords) == result.values
    assert results[2].values["domain_keywords"] == ["Jira"]
    assert results[2].confidence["function_type"] == 0.95


def test_the_prompt_holds_each_window_once_and_the_project_domain_list(server, make_analyzer):
    domain = ("Scrum", "Kanban", "CI/CD")
    requests = requests_for(
        *(f"Sentence {i} of the talk." for i in range(25)), domain_keywords=domain
    )
    middle = requests[12]

    make_analyzer().analyze([middle])

    (body,) = server.requests
    message = user_message(body)
    for dimension in Dimension:
        assert middle.window(dimension).render() in message
    # Far from the edges the windows (±0, ±1, ±2, ±6, ±10) all differ: five, each once.
    assert message.count(">>> Interviewer: Sentence 12 of the talk. <<<") == 5
    assert "Sentence 1 of" not in message  # beyond ±10
    system = body["messages"][0]["content"]
    assert json.dumps(list(domain)) in system
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    assert body["model"] == "gpt-test"


def test_it_sends_the_api_key_as_a_bearer_token(server, make_analyzer):
    make_analyzer().analyze(numbered(3))

    assert server.authorizations == [f"Bearer {KEY}"] * 3


def test_model_version_is_the_model_the_server_says_answered(server, make_analyzer):
    server.reported_model = "gpt-test-2026-01-15"
    analyzer = make_analyzer()
    assert (analyzer.name, analyzer.model_version) == ("openai", "gpt-test")

    analyzer.analyze(numbered(2))

    assert analyzer.model_version == "gpt-test-2026-01-15"
    assert analyzer.model == "gpt-test"


def test_an_empty_batch_makes_no_calls(server, make_analyzer):
    assert make_analyzer().analyze([]) == []
    assert server.requests == []


# --- retries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("2", 2.0, 2.0),
        ("an HTTP date 30 s from now", 28.0, 30.0),  # whole seconds: up to 1 s is lost
        ("120", 60.0, 60.0),  # capped at backoff_max
        ("soon", BACKOFF / 2, BACKOFF),  # unreadable: ordinary backoff
    ],
)
def test_a_429_waits_as_long_as_retry_after_says(
    server, make_analyzer, sleeps, retry_after, low, high
):
    if retry_after.startswith("an HTTP date"):
        retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.add(("status", 429, {"Retry-After": retry_after}))

    (result,) = make_analyzer().analyze(numbered(1))

    assert len(sleeps) == 1
    assert low <= sleeps[0] <= high
    assert result.values["domain_keywords"] == ["Jira"]
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "failure", [("status", 500), ("status", 503), ("status", 408), "disconnect"]
)
def test_a_transient_failure_is_retried(server, make_analyzer, failure):
    server.add(failure)

    (result,) = make_analyzer().analyze(numbered(1))

    assert result.values["function_type"] == "declarative"
    assert len(server.requests) == 2


def test_backoff_grows_exponentially_with_jitter(server, make_analyzer, sleeps):
    server.add(("status", 500), ("status", 502), ("status", 504))

    make_analyzer(max_attempts=4).analyze(numbered(1))

    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps):
        ceiling = BACKOFF * 2**attempt
        assert ceiling / 2 <= delay <= ceiling


def test_each_retry_is_logged_at_info_with_status_and_delay(server, make_analyzer, caplog):
    server.add(("status", 429, {"Retry-After": "3"}))

    with caplog.at_level(logging.INFO, logger="analysis.openai_compatible"):
        make_analyzer().analyze(numbered(1))

    (record,) = [r for r in caplog.records if r.name == "analysis.openai_compatible"]
    assert record.levelno == logging.INFO
    assert "HTTP 429" in record.getMessage()
    assert "3.00s" in record.getMessage()


def test_malformed_json_is_re_asked_quoting_the_reply_and_the_problem(server, make_analyzer):
    server.add("malformed_json")

    (result,) = make_analyzer().analyze(requests_for("Is it done?"))

    assert result.values["function_type"] == "interrogative"
    first, second = server.requests
    assert second["messages"][:2] == first["messages"]
    correction = second["messages"][2:]
    assert correction[0]["role"] == "assistant"
    assert correction[0]["content"].startswith("Sure! Here are the labels")
    assert "not valid JSON" in correction[1]["content"]


def test_labels_outside_the_sets_are_re_asked(server, make_analyzer):
    server.add("bad_labels")

    (result,) = make_analyzer().analyze(numbered(1))

    assert result.values["function_type"] == "declarative"
    assert "rhetorical" in server.requests[1]["messages"][-1]["content"]


def test_persistently_bad_labels_fail_for_good(server, make_analyzer):
    server.add(*["bad_labels"] * 3)
    text = "A very long sentence that goes on and on about the retrospective we held last week."

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer().analyze(requests_for(text))

    assert failure.value.retryable is False
    assert repr(text[:60] + "…") in str(failure.value)
    assert "rhetorical" in str(failure.value)
    assert len(server.requests) == 3


def test_domain_keywords_outside_the_project_list_are_refused(server, make_analyzer):
    server.add(*[("values", {"domain_keywords": ["Blockchain"]})] * 2)

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer(max_attempts=2).analyze(numbered(1))

    assert failure.value.retryable is False
    assert "'Blockchain' is not in the project's domain keyword list" in str(failure.value)


def test_a_hanging_server_times_out_and_is_retried(server, make_analyzer):
    server.add(("hang", 2.0))
    started = time.monotonic()

    (result,) = make_analyzer(timeout=0.2).analyze(numbered(1))

    assert result.values["domain_keywords"] == ["Jira"]
    assert len(server.requests) == 2
    assert time.monotonic() - started < 1.5


def test_exhausted_attempts_on_server_errors_are_retryable(server, make_analyzer, sleeps):
    server.add(*[("status", 502)] * 3)

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer().analyze(numbered(1))

    assert failure.value.retryable is True
    assert "after 3 attempts: HTTP 502: fake 502" in str(failure.value)
    assert len(server.requests) == 3
    assert len(sleeps) == 2


def test_a_closed_port_is_a_retryable_failure(make_analyzer):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is free again: nothing listens there.

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer(base_url=f"http://127.0.0.1:{port}/v1", max_attempts=2).analyze(numbered(1))

    assert failure.value.retryable is True
    assert "ConnectError" in str(failure.value)


# --- refusals -------------------------------------------------------------------------------------


def test_a_wrong_api_key_fails_at_once_and_the_key_is_never_shown(server, make_analyzer, sleeps):
    wrong_key = "sk-wrong-9876543210"

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer(api_key=wrong_key, concurrency=1).analyze(numbered(3))

    assert failure.value.retryable is False
    message = str(failure.value)
    assert "HTTP 401: Incorrect API key provided: ***." in message
    assert wrong_key not in message
    assert len(server.requests) == 1  # no retry, and the rest of the batch was never sent
    assert sleeps == []


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_a_refused_request_is_not_retried(server, make_analyzer, status):
    server.add(("status", status))

    with pytest.raises(AnalyzerError) as failure:
        make_analyzer().analyze(numbered(1))

    assert failure.value.retryable is False
    assert f"HTTP {status}: fake {status}" in str(failure.value)
    assert len(server.requests) == 1


def test_one_failure_stops_the_batch_without_waiting_out_backoffs(server, make_analyzer):
    # The first request gets a 500 and backs off for 5 to 10 s; the second is refused. The
    # batch must fail at once, and nothing of it may still run afterwards.
    server.latency = 0.05
    server.add(("status", 500), ("status", 400))
    analyzer = make_analyzer(sleep=None, backoff_base=10.0, concurrency=2)
    started = time.monotonic()

    with pytest.raises(AnalyzerError, match="HTTP 400"):
        analyzer.analyze(numbered(6))

    assert time.monotonic() - started < 2.0
    sent = len(server.requests)
    assert sent == 2
    time.sleep(0.1)
    assert len(server.requests) == sent


# --- concurrency ----------------------------------------------------------------------------------


def test_concurrency_is_bounded_and_used(server, make_analyzer):
    server.latency = 0.1

    results = make_analyzer(concurrency=3).analyze(numbered(9))

    assert len(results) == 9
    assert 1 < server.max_in_flight <= 3


# --- leniency and confidences ---------------------------------------------------------------------


def test_harmless_slips_are_mended_without_re_asking(server, make_analyzer):
    many = ["one", "two", "three", "four", "five", "six", "seven", "eight"]
    server.add(
        (
            "values",
            {
                "function_type": " Interrogative ",
                "topic_level_1": "Pain  Points",
                "overall_keywords": many,
                "domain_keywords": ["jira"],
            },
        )
    )

    (result,) = make_analyzer().analyze(numbered(1))

    assert result.values["function_type"] == "interrogative"
    assert result.values["topic_level_1"] == "pain points"
    assert result.values["overall_keywords"] == many[:6]
    assert result.values["domain_keywords"] == ["Jira"]
    assert len(server.requests) == 1


def test_missing_confidences_are_left_out(server, make_analyzer):
    server.add("missing_confidence")

    (result,) = make_analyzer().analyze(numbered(1))

    assert result.confidence == {}
    assert result.values["domain_keywords"] == ["Jira"]


def test_only_confidences_that_are_numbers_in_0_1_are_kept(server, make_analyzer):
    answer = default_answer("We use Jira.", DEFAULT_DOMAIN_KEYWORDS)
    answer["confidence"] = {
        "function_type": 0.7,
        "structure_type": 1,
        "purpose": "high",
        "topic_level_1": 85,
        "topic_level_3": True,
        "overall_keywords": None,
    }
    server.add(("content", json.dumps(answer)))

    (result,) = make_analyzer().analyze(requests_for("We use Jira."))

    assert result.confidence == {"function_type": 0.7, "structure_type": 1.0}


def test_an_answer_in_a_code_fence_is_unwrapped(server, make_analyzer):
    answer = default_answer("We use Jira.", DEFAULT_DOMAIN_KEYWORDS)
    server.add(("content", f"```json\n{json.dumps(answer)}\n```"))

    (result,) = make_analyzer().analyze(requests_for("We use Jira."))

    assert result.values == answer["values"]
    assert len(server.requests) == 1


# --- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"base_url": "api.openai.com/v1"}, "base_url"),
        ({"base_url": "ftp://example.com/v1"}, "base_url"),
        ({"api_key": ""}, "api_key"),
        ({"api_key": "sk bad"}, "api_key"),
        ({"model": " "}, "model"),
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": 2.5}, "concurrency"),
        ({"timeout": 0}, "timeout"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"timeout": "30"}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"backoff_base": -1.0}, "backoff_base"),
        ({"backoff_base": 5.0, "backoff_max": 1.0}, "backoff_max must be .* >= 5"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(override, complaint):
    options = {"base_url": "http://127.0.0.1:9/v1", "api_key": KEY, "model": "m"} | override

    with pytest.raises(ValueError, match=complaint):
        OpenAIAnalyzer(**options)


def test_its_repr_never_shows_the_api_key(make_analyzer):
    assert KEY not in repr(make_analyzer())
