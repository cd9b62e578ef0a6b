"""Light grammar over token sequences: where a sentence's core starts, where a clause starts.

Both the sentence-type and the clause-counting rules need the same two questions answered:
"what comes after the 'Okay, Sam,' preamble?" and "does a subject + finite verb begin here?".
"""

from collections.abc import Sequence

from analysis.heuristic.lexicon import (
    ADVERBS,
    BASE_FORM_SUBJECTS,
    DETERMINERS,
    DISCOURSE_MARKERS,
    FUNCTION_WORDS,
    INTERJECTIONS,
    SUBJECT_PRONOUNS,
    is_finite_verb,
    is_verb,
)
from analysis.heuristic.wordset import word_set

# Markers stripped even without a following comma ("So how do you…", "Yeah I go…").
_ALWAYS_STRIPPED = word_set(
    "okay ok alright so well and but yeah yes yep yup oh um uh hmm anyway anyways plus also "
    "then now"
)
# "I mean," and "you know," before a comma are fillers (GUIDELINES §2), not clauses.
_FILLER_CLAUSES = frozenset({("i", "mean", ","), ("you", "know", ",")})
_MAX_PREAMBLE = 2  # "Okay Sam," / "Quick question," — longer chunks are real content
_MAX_NOUN_PHRASE = 5
# Inside a subject noun phrase: possessives, "of", hyphenated compounds and unknown words.
_NOUN_PHRASE_GLUE = frozenset({"'s", "of", "-"})
# Subject-only pronouns: unlike "you" and "it", they are never objects.
UNAMBIGUOUS_SUBJECTS = frozenset({"i", "we", "they", "he", "she"})
_NUMBER_WORDS = word_set(
    "one two three four five six seven eight nine ten twenty thirty forty fifty hundred "
    "thousand percent"
)


def is_word(token: str) -> bool:
    return token[0].isalnum()


def _is_preamble_chunk(chunk: Sequence[str]) -> bool:
    """A comma-closed opening that is a marker, sentence adverb or vocative ("Sam,")."""
    if not chunk or len(chunk) > _MAX_PREAMBLE or not all(is_word(t) for t in chunk):
        return False
    if all(t in DISCOURSE_MARKERS or t in INTERJECTIONS or t in ADVERBS for t in chunk):
        return True
    # A vocative is a name: words no closed class and no verb list knows.
    return not any(t in FUNCTION_WORDS or is_verb(t) or t in ADVERBS for t in chunk)


def core_start(tokens: Sequence[str]) -> int:
    """Index of the first token after discourse markers, interjections and vocatives."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _ALWAYS_STRIPPED or token in INTERJECTIONS or token in {",", "…", "—"}:
            i += 1
            continue
        if tuple(tokens[i : i + 3]) in _FILLER_CLAUSES:
            i += 3
            continue
        comma = _next_comma(tokens, i)
        if comma is not None and _is_preamble_chunk(tokens[i:comma]):
            i = comma + 1
            continue
        return i
    return i


def _next_comma(tokens: Sequence[str], start: int) -> int | None:
    end = min(len(tokens), start + _MAX_PREAMBLE + 1)
    for i in range(start, end):
        if tokens[i] == ",":
            return i
    return None


def skip_adverbs(tokens: Sequence[str], i: int) -> int:
    while i < len(tokens) and tokens[i] in ADVERBS and not is_finite_verb(tokens[i]):
        i += 1
    return i


def _is_open_class(token: str) -> bool:
    """A word outside the closed classes: a noun, name or adjective — or a verb form used as
    one ("Support tickets are down"), which only the word after it can tell apart."""
    return (
        is_word(token)
        and token not in FUNCTION_WORDS
        and token not in ADVERBS
        and token not in DISCOURSE_MARKERS
    )


def _looks_past(token: str) -> bool:
    """An unlisted "-ed" word after a subject is a past verb ("the labeler jammed")."""
    return len(token) > 4 and token.endswith("ed") and not token.endswith("eed")


def _looks_third_person(token: str) -> bool:
    """An unlisted "-s" word right after a noun phrase ("the fax machine jams")."""
    return len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is"))


def _verb_after_noun_phrase(tokens: Sequence[str], i: int) -> int | None:
    """Walk a noun phrase from `i`; index of the finite verb that follows it, if any."""
    end = min(len(tokens), i + _MAX_NOUN_PHRASE + 1)
    for k in range(i, end):
        token = tokens[k]
        plural = k > i and tokens[k - 1].endswith("s") and tokens[k - 1] != "'s"
        if k > i and (is_finite_verb(token, plural) or _unlisted_verb(token, tokens, k)):
            return k
        if not (_is_open_class(token) or token in _NOUN_PHRASE_GLUE or token in ADVERBS):
            return None
    return None


def _unlisted_verb(token: str, tokens: Sequence[str], k: int) -> bool:
    """A verb missing from the lexicon, recognised by its ending after a noun phrase."""
    if not _is_open_class(token) or token in _NUMBER_WORDS:
        return False
    after = tokens[k + 1] if k + 1 < len(tokens) else ""
    # "-s" only when an object or particle follows, so plural nouns in a list don't qualify.
    return _looks_past(token) or (_looks_third_person(token) and after not in {",", ".", ""})


def clause_verb(tokens: Sequence[str], i: int) -> int | None:
    """Index of the finite verb if a clause (subject + finite verb) begins at `i`, else None.

    Subjects: a pronoun, a determiner + noun phrase, or a bare noun phrase / name.
    """
    j = skip_adverbs(tokens, i)
    if j >= len(tokens):
        return None
    token = tokens[j]
    if token in SUBJECT_PRONOUNS:
        k = skip_adverbs(tokens, j + 1)
        if k < len(tokens) and is_finite_verb(tokens[k], token in BASE_FORM_SUBJECTS):
            return k
        if k < len(tokens) and token in UNAMBIGUOUS_SUBJECTS and _is_open_class(tokens[k]):
            # Only a verb can follow "we"/"she" directly: an unlisted word there is one.
            return k if not tokens[k][0].isdigit() else None
        if token not in DETERMINERS:
            return None
    elif token not in DETERMINERS and not _is_open_class(token):
        return None
    return _verb_after_noun_phrase(tokens, j + 1 if token in DETERMINERS else j)


def has_finite_verb(tokens: Sequence[str]) -> bool:
    """Whether any clause (subject + finite verb) appears anywhere in the sentence."""
    return any(clause_verb(tokens, i) is not None for i in range(len(tokens)))
