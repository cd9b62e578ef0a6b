import pytest

from analysis.heuristic.structure import classify_structure


def label(text: str) -> str:
    return classify_structure(text).value


@pytest.mark.parametrize(
    "text",
    [
        "Big time.",
        "Got it.",
        "Walk me through a typical week.",
        "I swapped it and ran it for an hour.",
        "Upload the text only and email me the videos.",
        "I have to open each one, close it, open the next.",
        "It's in Confluence, I think.",
        "I want to set a flexible budget.",
    ],
)
def test_one_clause_or_none_is_simple(text):
    assert label(text) == "simple"


@pytest.mark.parametrize(
    "text",
    [
        "You can tap it, but it doesn't remember your correction.",
        "The labeler jammed again, so we had to hand-label a whole pallet.",
        "It is, it's ticket 412.",
        "Change that filter and the unit will last you years.",
        "I had twelve tabs, and every month I'd copy numbers over.",
        "Okay, I'll draft it; we can review it Monday.",
    ],
)
def test_two_independent_clauses_are_compound(text):
    assert label(text) == "compound"


@pytest.mark.parametrize(
    "text",
    [
        "If something's over, I try to figure out why.",
        "I think we're all here.",
        "I'd love a list view that I can sort.",
        "That matches what support has been flagging too.",
        "She said Acme's product synced with her bank, which felt like magic.",
        "The app treats them like they should be flat.",
        "Acme fixed the stuff we talked about.",
        "The allergy field is mandatory because someone skipped it and a patient got hurt.",
        "Maybe we should move the export to Sunday night, when nobody's posting.",
        "Bet they'll ask for a discount too.",
        "I'll write it on the invoice so you don't forget.",
        "Because the optimizer sent three trucks over the closed bridge.",
        "Okay, don't factory-reset them, whatever you do.",
        "It's as fast as it gets.",
    ],
)
def test_one_independent_and_a_dependent_clause_is_complex(text):
    assert label(text) == "complex"


@pytest.mark.parametrize(
    "text",
    [
        "Okay, I think we're all here, let's get started.",
        "Acme built something that works, and the rest is exactly what we discussed.",
        "I tried, but it kept saying my file was too big.",
    ],
)
def test_two_independent_and_a_dependent_clause_is_compound_complex(text):
    assert label(text) == "compound-complex"


def test_a_verbless_fragment_is_surer_than_a_long_comma_splice():
    fragment = classify_structure("Big time.")
    splice = classify_structure(
        "I go into each category, groceries, dining out, subscriptions, whatever, I look at "
        "the progress bar, it tells me where I'm at against the budget for the month."
    )
    assert fragment.confidence > splice.confidence
