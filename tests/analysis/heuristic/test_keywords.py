from analysis.heuristic.keywords import FILLERS, extract_keywords
from events.dimensions import MAX_KEYWORDS, Dimension
from tests.analysis.heuristic.helpers import dialogue

SHEET = (
    "I had this huge Google Sheet with like twelve tabs, one per category, and every month "
    "I'd have to manually copy numbers over from my bank."
)


def keywords(*turns: tuple[str, str], index: int = -1):
    request = dialogue(*turns)[index]
    return extract_keywords(request.window(Dimension.OVERALL_KEYWORDS))


def test_keywords_are_lower_cased_phrases_from_the_target_at_most_six():
    judgement = keywords(("Jordan", SHEET))
    assert 0 < len(judgement.value) <= MAX_KEYWORDS
    assert all(k == k.lower() for k in judgement.value)
    assert "google sheet" in " | ".join(judgement.value)


def test_fillers_and_speaker_names_are_dropped():
    judgement = keywords(
        ("Maya Chen", "Jordan, you know, I kind of like the budgeting app, yeah."),
        ("Jordan Alvarez", "Maya, yeah, like, the budgeting app is kind of great."),
    )
    words = {w for k in judgement.value for w in k.split()}
    assert not words & {"maya", "jordan", "chen", "alvarez"}
    assert not any(k in FILLERS for k in judgement.value)
    assert "budgeting app" in judgement.value


def test_a_fragment_borrows_keywords_from_its_window_with_less_confidence():
    turns = [
        ("Maya", "So the per-transaction drill-down is a pain point."),
        ("Jordan", "Big time."),
    ]
    borrowed = keywords(*turns)
    own = keywords(*turns, index=0)
    assert borrowed.value
    assert borrowed.confidence < own.confidence


def test_a_candidate_the_window_repeats_ranks_higher():
    turns = [
        ("Jordan", "The categorization memory keeps failing."),
        ("Jordan", "Categorization memory is my biggest worry, more than sync speed."),
        ("Jordan", "Fixing categorization memory would help."),
    ]
    assert keywords(*turns, index=1).value[0] == "categorization memory"
