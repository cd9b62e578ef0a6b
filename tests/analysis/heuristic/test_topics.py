import pytest

from analysis.heuristic.topics import LEVEL_1_DECAY, LEVEL_3_DECAY, classify_topic
from events.dimensions import Dimension
from tests.analysis.heuristic.helpers import dialogue


def topic(*texts: str, index: int = -1, level: Dimension = Dimension.TOPIC_LEVEL_1):
    requests = dialogue(*[("Jordan", t) for t in texts])
    decay = LEVEL_1_DECAY if level is Dimension.TOPIC_LEVEL_1 else LEVEL_3_DECAY
    return classify_topic(requests[index].window(level), decay)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Honestly this is where it gets annoying and slow.", "pain points"),
        ("The dashboard in the app is the one tool I open.", "tools"),
        ("Thank you so much, I really appreciate it.", "niceties"),
        ("How was your weekend, did the weather hold up?", "small talk"),
        ("My main goal is to understand where my money went.", "goals"),
        ("I mentor two junior engineers and coach them weekly.", "mentoring"),
        ("Our roadmap for Q2 is the strategy we present.", "strategy"),
    ],
)
def test_cue_lexicons_pick_the_topic_of_the_sentence(text, expected):
    assert topic(text).value == expected


def test_no_cue_gives_a_low_confidence_default():
    judgement = topic("Big time.")
    assert judgement.value in {"experiences", "observations"}
    assert judgement.confidence <= 0.3


def test_a_decisive_sentence_is_surer_than_a_mixed_one():
    clear = topic("It's annoying, frustrating and broken, a real pain.")
    mixed = topic("The app is annoying.")
    assert clear.confidence > mixed.confidence


def test_level_1_stays_local_while_level_3_follows_the_phase():
    texts = [
        "The app is so slow, it's frustrating.",
        "It crashes, it's broken, such a pain.",
        "Every bug is annoying.",
        "Another issue is the wrong totals.",
        "Thanks, I appreciate it.",
    ]
    assert topic(*texts, level=Dimension.TOPIC_LEVEL_1).value == "niceties"
    assert topic(*texts, level=Dimension.TOPIC_LEVEL_3).value == "pain points"
