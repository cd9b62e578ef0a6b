"""The fake OpenAI-compatible server itself, spoken to with a plain HTTP client."""

import json

import httpx
import pytest

from analysis.context import analysis_requests
from analysis.fake_openai import FakeOpenAIServer, default_answer
from analysis.openai_prompt import system_prompt, user_message
from analysis.port import Utterance

KEY = "sk-fake-test"
DOMAIN = ("Kanban", "CI/CD", "User Story")


@pytest.fixture
def server():
    with FakeOpenAIServer(api_key=KEY) as server:
        yield server


def chat(server, text, *, key=KEY, path="/chat/completions"):
    (request,) = analysis_requests([Utterance(text, "Interviewee")], DOMAIN)
    body = {
        "model": "gpt-test",
        "messages": [
            {"role": "system", "content": system_prompt(DOMAIN)},
            {"role": "user", "content": user_message(request)},
        ],
    }
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.post(server.base_url + path, json=body, headers=headers, timeout=5)


def answer_of(response):
    return json.loads(response.json()["choices"][0]["message"]["content"])


@pytest.mark.parametrize(
    ("text", "function_type", "structure_type"),
    [
        ("Did the board help?", "interrogative", "simple"),
        ("What a mess!", "exclamatory", "simple"),
        ("We ship daily, and nobody complains.", "declarative", "compound"),
        ("It broke because nobody tested it.", "declarative", "complex"),
        ("It broke because nobody tested, and we lost a day.", "declarative", "compound-complex"),
    ],
)
def test_its_default_answer_follows_the_target_sentence(
    server, text, function_type, structure_type
):
    values = answer_of(chat(server, text))["values"]

    assert (values["function_type"], values["structure_type"]) == (function_type, structure_type)


def test_its_domain_keywords_come_from_the_list_in_the_prompt(server):
    response = chat(server, "Our kanban board feeds the CI/CD pipeline; Scrum is gone.")

    assert answer_of(response)["values"]["domain_keywords"] == ["Kanban", "CI/CD"]
    assert response.json()["model"] == "gpt-test"


def test_its_script_is_consumed_one_entry_per_request(server):
    server.add(("status", 503, {"Retry-After": "7"}), "missing_confidence")

    first, second, third = (chat(server, "Fine.") for _ in range(3))

    assert (first.status_code, first.headers["Retry-After"]) == (503, "7")
    assert first.json()["error"]["message"] == "fake 503"
    assert "confidence" not in answer_of(second)
    assert answer_of(third) == default_answer("Interviewee: Fine.", DOMAIN)


def test_it_refuses_a_wrong_key_without_consuming_the_script(server):
    server.add(("status", 500))

    refused = chat(server, "Fine.", key="sk-other")

    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "Incorrect API key provided: sk-other."
    assert chat(server, "Fine.").status_code == 500
    assert server.authorizations == ["Bearer sk-other", f"Bearer {KEY}"]


def test_it_answers_404_off_the_chat_completions_path(server):
    assert chat(server, "Fine.", path="/completions").status_code == 404


def test_it_reports_an_unknown_behaviour_as_a_bad_request(server):
    server.add("sing")

    response = chat(server, "Fine.")

    assert response.status_code == 400
    assert "no behaviour 'sing'" in response.json()["error"]["message"]
