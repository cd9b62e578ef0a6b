from pathlib import Path

import pytest

from analysis.context import analysis_requests
from analysis.heuristic import HeuristicAnalyzer
from analysis.port import Analyzer, Utterance, validate_analysis
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS, DIMENSIONS, MAX_KEYWORDS
from tests.analysis.heuristic.helpers import dialogue

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"


def sample_utterances(name: str) -> list[Utterance]:
    """One utterance per turn, split naively on sentence marks: enough to exercise the rules."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample transcript {path} not available")
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    utterances = []
    for line in body.strip().splitlines():
        speaker, _, text = line.partition(": ")
        for sentence in text.replace("? ", "?\n").replace(". ", ".\n").splitlines():
            utterances.append(Utterance(sentence.strip(), speaker))
    return utterances


@pytest.fixture(scope="module")
def interview():
    utterances = sample_utterances("user_interview_mature.txt")
    requests = analysis_requests(utterances, DEFAULT_DOMAIN_KEYWORDS)
    return requests, HeuristicAnalyzer().analyze(requests)


def test_it_identifies_itself():
    analyzer = HeuristicAnalyzer()
    assert isinstance(analyzer, Analyzer)
    assert (analyzer.name, analyzer.model, analyzer.prompt_version) == ("heuristic", "rules", "n/a")
    assert analyzer.model_version


def test_it_returns_one_result_per_request_in_order():
    requests = dialogue(
        ("Maya", "How long have you been using it?"),
        ("Jordan", "Walk me through it."),
        ("Maya", "We use Jira and Figma."),
    )
    results = HeuristicAnalyzer().analyze(requests)
    assert len(results) == len(requests)
    assert [r.values["function_type"] for r in results] == [
        "interrogative",
        "imperative",
        "declarative",
    ]
    assert results[2].values["domain_keywords"] == ["Jira", "Figma"]


def test_an_empty_batch_gives_no_results():
    assert HeuristicAnalyzer().analyze([]) == []


def test_same_input_same_output():
    requests = dialogue(("Maya", "Any pain points?"), ("Jordan", "The sync is slow, honestly."))
    first = HeuristicAnalyzer().analyze(requests)
    second = HeuristicAnalyzer().analyze(list(reversed(requests)))[::-1]
    assert first == second


def test_every_value_of_a_whole_transcript_is_inside_the_sets(interview):
    requests, results = interview
    assert len(results) == len(requests)
    for request, result in zip(requests, results, strict=True):
        assert set(result.values) == {d.value for d in DIMENSIONS}
        assert validate_analysis(result.values, request.domain_keywords) == result.values
        assert len(result.values["overall_keywords"]) <= MAX_KEYWORDS


def test_confidences_are_in_range_and_honestly_vary(interview):
    _, results = interview
    for dimension in DIMENSIONS:
        confidences = [r.confidence[dimension.value] for r in results]
        assert all(0.0 <= c <= 1.0 for c in confidences)
        if dimension.value != "domain_keywords":  # this interview mentions none
            assert len(set(confidences)) > 2, dimension


def test_the_interview_shows_several_labels_per_dimension(interview):
    _, results = interview
    for name in ("function_type", "structure_type", "purpose", "topic_level_1"):
        assert len({r.values[name] for r in results}) >= 3, name


def test_speakerless_utterances_are_analysed_too():
    requests = analysis_requests([Utterance("Is it slow?"), Utterance("Yes.")], ())
    results = HeuristicAnalyzer().analyze(requests)
    assert [r.values["domain_keywords"] for r in results] == [[], []]
