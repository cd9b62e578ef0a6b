import pytest

from analysis.heuristic.function_type import classify_function_type


def label(text: str) -> str:
    return classify_function_type(text).value


@pytest.mark.parametrize(
    "text",
    [
        "How long have you been using it?",
        "You said it's opt-in?",
        "That's great, right?",
        "Could you walk me through it?",
        "Six clicks?",
    ],
)
def test_a_final_question_mark_makes_any_form_interrogative(text):
    assert label(text) == "interrogative"


@pytest.mark.parametrize(
    "text",
    [
        "How do you fix a miscategorized transaction",
        "What made you try it",
        "Is there anything else",
    ],
)
def test_questions_that_lost_their_mark_are_still_interrogative(text):
    assert label(text) == "interrogative"


def test_a_lost_mark_question_is_less_sure_than_a_marked_one():
    unmarked = classify_function_type("How do you fix it")
    marked = classify_function_type("How do you fix it?")
    assert unmarked.confidence < marked.confidence


@pytest.mark.parametrize(
    "text",
    [
        "Walk me through a typical week.",
        "Go for it.",
        "Okay, let's talk pricing.",
        "Sam, send me the notes.",
        "Please log that.",
        "Don't worry about it.",
        "Let me know.",
        "Be careful with that.",
        "Always reread an old note before you copy it forward.",
        "If I fix a category once, remember it.",
        "Please don't switch until we've fixed it!",
    ],
)
def test_commands_are_imperative(text):
    assert label(text) == "imperative"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks so much for making time today, Jordan.",
        "Thank you for joining.",
        "Love that.",
        "Support tickets are down a lot.",
        "What I mean is that it breaks.",
        "When I started, it was fine.",
        "Got it.",
        "Big time.",
        "Wow, that's amazing.",
    ],
)
def test_statements_formulas_and_fragments_are_declarative(text):
    assert label(text) == "declarative"


@pytest.mark.parametrize(
    "text", ["That loads fast!", "What a week.", "How strange that is.", "Wow.", "Oh, shoot."]
)
def test_exclamations_by_mark_form_or_interjections_only(text):
    assert label(text) == "exclamatory"


def test_a_comma_tag_without_mark_reads_as_a_question():
    assert label("It works, right") == "interrogative"
