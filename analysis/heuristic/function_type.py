"""Sentence type (declarative / interrogative / imperative / exclamatory), GUIDELINES §1.

Decided in the guidelines' order: a final "?" makes a question whatever its form; then an
imperative first independent clause (even with "!"); then "!", exclamative form ("What a week.",
"How strange that is.") or interjections only ("Wow.", "Oh, shoot."); everything else is
declarative. Speech transcripts also drop marks ("How do you fix a miscategorized transaction"),
so an inverted auxiliary or a wh-word before a verb still reads as a question, less surely.
"""

from collections.abc import Sequence

from analysis.heuristic.grammar import clause_verb, core_start, has_finite_verb, skip_adverbs
from analysis.heuristic.imperative import imperative_verb
from analysis.heuristic.judgement import Judgement
from analysis.heuristic.lexicon import (
    ADVERBS,
    AUXILIARIES,
    DETERMINERS,
    FUNCTION_WORDS,
    INTERJECTIONS,
    SUBJECT_PRONOUNS,
    WH_WORDS,
    is_finite_verb,
    is_verb,
)
from analysis.heuristic.tokens import final_mark, tokenize
from analysis.heuristic.wordset import word_set

DECLARATIVE, INTERROGATIVE, IMPERATIVE, EXCLAMATORY = (
    "declarative",
    "interrogative",
    "imperative",
    "exclamatory",
)
# Between a wh-word and its verb in a question: "How long have you…", "What kind of app do…".
_WH_MODIFIERS = word_set("long much many often far exactly else kind sort type of big old soon")
_TAGS = frozenset({"right", "correct", "yeah", "no", "huh", "ok", "okay", "yes", "true"})
# Words that make up an interjection-only sentence ("Oh, shoot.", "Oof.").
_EXCLAIMING_WORDS = INTERJECTIONS | word_set("shoot yikes oof ugh phew argh aw man jeez")


def classify_function_type(text: str) -> Judgement:
    tokens = tokenize(text)
    mark = final_mark(text)
    if mark == "?":
        return Judgement(INTERROGATIVE, 0.97)
    imperative = imperative_verb(tokens)
    if imperative:
        return Judgement(IMPERATIVE, imperative[1])
    if mark == "!":
        return Judgement(EXCLAMATORY, 0.92)
    core = tuple(t for t in tokens[core_start(tokens) :] if t not in {".", "…"})
    spoken = [t for t in tokens if t[0].isalnum()]
    if spoken and all(t in _EXCLAIMING_WORDS for t in spoken):
        return Judgement(EXCLAMATORY, 0.85)
    if _is_exclamative(core):
        return Judgement(EXCLAMATORY, 0.8)
    question = _question_form_confidence(core, tokens)
    if question:
        return Judgement(INTERROGATIVE, question)
    if not core:
        return Judgement(DECLARATIVE, 0.5)
    sure = 0.9 if has_finite_verb(tokens) else 0.8
    return Judgement(DECLARATIVE, sure if mark else sure - 0.15)


def _question_form_confidence(core: Sequence[str], tokens: Sequence[str]) -> float:
    """Questions whose "?" was lost: inverted auxiliary, wh + verb, or a tag question."""
    if len(tokens) >= 3 and tokens[-1] in _TAGS and tokens[-2] == ",":
        return 0.6
    if len(core) < 2:
        return 0.0
    first = core[0]
    if first in AUXILIARIES and first != "let":
        subject = skip_adverbs(core, 1)
        if subject < len(core) and (
            core[subject] in SUBJECT_PRONOUNS or core[subject] in DETERMINERS
        ):
            return 0.78
        return 0.0
    if first in WH_WORDS:
        i = 1
        while i < len(core) and core[i] in _WH_MODIFIERS:
            i += 1
        # "What I mean is…" / "When I started, …" put a subject first: not a question.
        if i < len(core) and is_finite_verb(core[i]) and not clause_verb(core, 1):
            return 0.75
        if i < len(core) and core[i] in AUXILIARIES:
            return 0.75
    return 0.0


def _is_exclamative(core: Sequence[str]) -> bool:
    """ "What a mess", "How cool (that is)", or an interjection-led "Wow, …"."""
    if not core:
        return False
    if core[0] == "what" and core[1:2] in (("a",), ("an",)):
        return True
    if core[0] == "how" and len(core) >= 2:
        adjective = core[1]
        if adjective in _WH_MODIFIERS or adjective in FUNCTION_WORDS or adjective in ADVERBS:
            return False
        if is_verb(adjective) or adjective in AUXILIARIES:
            return False
        rest = core[2:]
        # The subject before its verb makes it an exclamation; "How cool is it" is a question.
        return not rest or rest[0] in SUBJECT_PRONOUNS or rest[0] in DETERMINERS
    return False
