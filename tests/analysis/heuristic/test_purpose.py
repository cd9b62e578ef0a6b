import pytest

from analysis.heuristic.purpose import classify_purpose
from events.dimensions import Dimension
from tests.analysis.heuristic.helpers import dialogue

INTERVIEWER, USER = "Maya", "Jordan"


def purpose_of_last(*turns: tuple[str, str]):
    request = dialogue(*turns)[-1]
    return classify_purpose(request.window(Dimension.PURPOSE))


def alone(text: str) -> str:
    return purpose_of_last((USER, text)).value


def test_a_reply_to_another_speakers_question_is_an_answer():
    judgement = purpose_of_last((INTERVIEWER, "How big was it?"), (USER, "Like, forty megabytes?"))
    assert judgement.value == "Answer"


def test_a_reply_to_a_request_for_information_is_an_answer():
    assert (
        purpose_of_last(
            (INTERVIEWER, "Walk me through a typical week."), (USER, "Most mornings I check it.")
        ).value
        == "Answer"
    )


def test_the_same_speaker_continuing_is_not_an_answer():
    assert (
        purpose_of_last((USER, "How big was it?"), (USER, "I put three videos in it.")).value
        != "Answer"
    )


def test_a_counter_question_is_a_query_not_an_answer():
    assert (
        purpose_of_last((INTERVIEWER, "How big was it?"), (USER, "What do you mean by big?")).value
        == "Query"
    )


def test_a_correcting_reply_stays_a_correction():
    assert (
        purpose_of_last(
            (INTERVIEWER, "Was it Monday?"), (USER, "Actually, no, it was Tuesday.")
        ).value
        == "Correction"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where are we on the close?", "Query"),
        ("Could you send me the deck?", "Request"),
        ("Could it be the heat setting rather than the film?", "Speculation"),
        ("Please log that.", "Request"),
        ("Let's move on to pricing.", "Request"),
        ("Let me pull that up.", "Statement"),
        ("Whoa, that loads fast!", "Exclamation"),
        ("The screen says, 'Host unreachable, code 17.'", "Recitation"),
        ("Fair point, scratch that idea.", "Retraction"),
        ("Okay, make it four and push the story to next sprint.", "Amendment"),
        ("If the bug isn't fixed by then, we're moving to another vendor.", "Threat"),
        ("Finish it by Friday or IT locks your laptop.", "Warning"),
        ("Heads up, the server restarts at noon.", "Warning"),
        ("I disagree, the old flow was faster.", "Objection"),
        ("You should export it weekly.", "Advisory"),
        ("We could order spare rollers.", "Advisory"),
        ("I wonder whether a cheaper sensor would sell better.", "Musing"),
        ("By 'price' I mean the per-seat price.", "Clarification"),
        ("So basically the real problem is ownership.", "Conclusion"),
        ("I have to admit I skipped the training.", "Confession"),
        ("It failed because the export timed out.", "Explanation"),
        ("Maybe it's the cache.", "Speculation"),
        ("Oh, great, another outage.", "Mockery"),
        ("Oh, and the batteries die in the cold.", "Addendum"),
        ("That's only for cloud customers, though.", "Qualification"),
        ("I've noticed the queue grows on Mondays.", "Observation"),
        ("Ha, it's a maze for everyone.", "Commentary"),
        ("Yesterday I finished the retry logic.", "Statement"),
    ],
)
def test_cue_phrases_and_sentence_type_decide_the_rest(text, expected):
    assert alone(text) == expected


def test_the_fallback_statement_is_less_sure_than_a_cued_label():
    fallback = purpose_of_last((USER, "Yesterday I finished the retry logic."))
    cued = purpose_of_last((USER, "You should export it weekly."))
    assert fallback.confidence < cued.confidence
