"""Imperative form: does the sentence's first independent clause open with a command verb?

Both the sentence type (GUIDELINES §1 rule 2) and the clause count (an imperative is a finite
clause with an understood subject) need this, so it lives apart from either.

Not imperatives, although they open with a base-form verb:
- thanking formulas ("Thank you so much.", "Thanks for joining.") state gratitude;
- subject-less first-person statements ("Love that.", "Hope so.", "Guess not.") drop "I".
"""

from collections.abc import Sequence

from analysis.heuristic.grammar import clause_verb, core_start
from analysis.heuristic.lexicon import (
    BASE_VERBS,
    DETERMINERS,
    OBJECT_PRONOUNS,
    SUBORDINATOR_PHRASES,
    SUBORDINATORS,
    is_finite_verb,
)
from analysis.heuristic.wordset import word_set

# Base forms that open subject-less first-person statements, not commands ("Love that.").
_FIRST_PERSON_ELLIPSIS = word_set(
    "love hope guess think agree bet know mean wonder like want need wish thank appreciate "
    "sound seem figure suppose remember understand"
)
IMPERATIVE_VERBS = BASE_VERBS - _FIRST_PERSON_ELLIPSIS
# "Remember to …", "Don't forget …" are commands even though "remember" may drop an "I".
_COMMAND_ONLY_WITH_OBJECT = frozenset({"remember", "imagine", "figure"})
_LEADS = frozenset({"just", "please", "also", "then", "first", "quickly", "now", "always", "never"})


def main_clause_start(tokens: Sequence[str]) -> int:
    """Start of the first independent clause, after the preamble and a fronted subordinate
    clause ("If I fix a category once, remember it." → "remember it")."""
    start = core_start(tokens)
    opens_subordinate = start < len(tokens) and (
        tokens[start] in SUBORDINATORS
        or any(tuple(tokens[start : start + len(p)]) == p for p in SUBORDINATOR_PHRASES)
    )
    if not opens_subordinate or "," not in tokens[start:]:
        return start
    comma = tokens.index(",", start)
    return comma + 1 + core_start(tokens[comma + 1 :])


def imperative_verb(tokens: Sequence[str]) -> tuple[int, float] | None:
    """(index of the command verb, confidence) if the first independent clause is imperative."""
    start = main_clause_start(tokens)
    core = tokens[start:]
    if not core or core[0] in {"thank", "thanks"}:
        return None
    if tuple(core[:2]) == ("let", "us"):
        return start, 0.92
    if tuple(core[:2]) == ("let", "me"):
        return start, 0.88
    i = 0
    while i < len(core) - 1 and (core[i] in _LEADS or core[i] == ","):
        i += 1
    if core[i] == "do" and core[i + 1 : i + 2] == ("not",):
        return (start + i, 0.9) if clause_verb(core, i + 2) is None else None
    verb = core[i]
    following = core[i + 1] if i + 1 < len(core) else ""
    if verb == "be" and following:
        return start + i, 0.85
    object_follows = following in OBJECT_PRONOUNS or following in DETERMINERS or following == "to"
    if verb not in IMPERATIVE_VERBS and not (verb in _COMMAND_ONLY_WITH_OBJECT and object_follows):
        return None
    # "Support tickets are down": the "verb" is really the head of a subject noun phrase.
    if following == "'s" or (following and is_finite_verb(following)) or clause_verb(core, i):
        return None
    pleading = "please" in core[:i]
    sure = 0.85 if not following or object_follows or pleading else 0.7
    return start + i, sure
