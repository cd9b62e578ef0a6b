"""Sentence structure (simple / compound / complex / compound-complex) by counting clauses.

Independent clauses are the first finite clause plus every later one that a coordinator
("and", "but", "so"…), a semicolon/colon/dash or a bare comma (a comma splice, common in speech)
introduces with its own subject and finite verb. Dependent clauses are introduced by a
subordinator ("because", "if"…), a relative pronoun after a noun ("the stuff that matters"), an
embedded wh-clause ("no idea why it fails") or a complement verb ("I think [that] we're here").
Sentences with no subject + finite verb at all ("Big time.", "Got it.") are simple.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.heuristic.grammar import clause_verb, core_start, is_word, skip_adverbs
from analysis.heuristic.imperative import imperative_verb
from analysis.heuristic.judgement import Judgement
from analysis.heuristic.lexicon import (
    COMPLEMENT_VERBS,
    COORDINATORS,
    DETERMINERS,
    FUNCTION_WORDS,
    SUBJECT_PRONOUNS,
    SUBORDINATOR_PHRASES,
    SUBORDINATORS,
    WH_WORDS,
    is_finite_verb,
)
from analysis.heuristic.tokens import tokenize
from analysis.heuristic.wordset import word_set

_RELATIVES = frozenset({"who", "whom", "which", "whose", "that", "where"})
# Nouns-by-another-name a relative clause may hang off ("something that works").
_RELATIVE_HOSTS = word_set(
    "something everything anything nothing one ones someone anyone everyone thing things "
    "stuff way time"
)
# Subordinators only when a pronoun/determiner-led clause follows: "when I go" (not "when do
# you go"), "like I said" (not "like twelve tabs").
# "as"/"than" also compare clauses ("as high-tech as it gets", "faster than we expected").
_CLAUSE_ONLY_SUBORDINATORS = frozenset({"when", "like", "as", "than"})
_NON_RESTRICTIVE = frozenset({"which", "who"})  # ", which, at the time, felt like magic"
_PARENTHETICAL_REACH = 6
_REPORTING_VERBS = word_set("say says said asked asks told tells wrote writes goes went")
_PERSONAL_SUBJECTS = word_set("i you we they he she it")
_COMMENT_VERBS = word_set(
    "think guess mean promise bet believe suppose know swear hope reckon feel"
)
_ELLIPTICAL_MATRIX = frozenset({"bet", "guess", "hope", "wish", "figure", "wonder"})
_FREE_RELATIVES = frozenset({"whatever", "whoever", "wherever", "whenever", "however"})
_CLAUSE_BREAKS = frozenset({";", ":", "—"})
# Between a coordinator and the next subject: "so, yeah, I've got opinions".
_LINKING_FILLERS = frozenset({"then", "so", "now", "also", "yeah", "and", "but", ","})
_MAX_ADVERBIAL = 3
_LONG_SENTENCE = 22  # tokens; beyond this every count is shakier


@dataclass(frozen=True)
class ClauseCount:
    independent: int
    dependent: int
    finite: bool  # any subject + finite verb at all
    splices: int  # independent clauses found only through a comma: the weakest evidence


def classify_structure(text: str) -> Judgement:
    tokens = tokenize(text)
    count = count_clauses(tokens)
    compound = count.independent >= 2
    label = {
        (False, False): "simple",
        (True, False): "compound",
        (False, True): "complex",
        (True, True): "compound-complex",
    }[compound, count.dependent >= 1]
    return Judgement(label, _confidence(count, len(tokens)))


def count_clauses(tokens: Sequence[str]) -> ClauseCount:
    verbs = [v for v in (clause_verb(tokens, i) for i in range(len(tokens))) if v is not None]
    command = imperative_verb(tokens)
    if command:
        verbs.append(command[0])  # an imperative is a finite clause with an understood subject
    if not verbs:
        return ClauseCount(1, 0, finite=False, splices=0)
    first_verb = min(verbs)
    start = core_start(tokens)
    independent, dependent, splices = 1, 0, 0
    claimed: set[int] = set()  # each clause is counted once, by the verb it is built around
    # A fronted subordinate clause ("If it's over, I try…") means the next clause is the main
    # one, already counted in `independent = 1`.
    awaiting_main = _subordinator_length(tokens, start) > 0
    # Clauses coordinated inside a dependent clause stay inside it ("because X and Y").
    inside_dependent = False
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token in _CLAUSE_BREAKS or token == ",":
            inside_dependent = False
        verb = _dependent_clause_verb(tokens, i, start)
        if verb is not None and verb not in claimed:
            claimed.add(verb)
            dependent += 1
            inside_dependent = True
            continue
        joins = token in COORDINATORS or token in _CLAUSE_BREAKS
        if i < first_verb or not (joins or token == ","):
            continue
        if token == "," and i + 1 < len(tokens) and tokens[i + 1] in COORDINATORS:
            continue  # ", and …": the coordinator itself is the evidence
        verb = _independent_clause_verb(tokens, i + 1, strict=not joins)
        if verb is None or verb in claimed or _is_comment_clause(tokens, verb):
            continue
        claimed.add(verb)
        if joins and inside_dependent:
            continue
        if awaiting_main:
            awaiting_main = False
        else:
            independent += 1
            splices += not joins
    return ClauseCount(independent, dependent, finite=True, splices=splices)


def _subordinator_length(tokens: Sequence[str], i: int) -> int:
    """Length of the subordinator starting at `i` (0 if none)."""
    for phrase in SUBORDINATOR_PHRASES:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return len(phrase)
    if i >= len(tokens):
        return 0
    if tokens[i] in _CLAUSE_ONLY_SUBORDINATORS:
        return 1 if _strict_clause_verb(tokens, i + 1) is not None else 0
    return 1 if tokens[i] in SUBORDINATORS else 0


def _dependent_clause_verb(tokens: Sequence[str], i: int, start: int) -> int | None:
    """The verb of a dependent clause introduced at token `i`, if one is."""
    length = _subordinator_length(tokens, i)
    if length:
        return clause_verb(tokens, i + length) or _verb_after_adverbial(tokens, i + length - 1)
    if i <= start and tokens[i] in _ELLIPTICAL_MATRIX and i + 1 < len(tokens):
        return clause_verb(tokens, i + 1)  # "Bet they'll ask…" = "(I) bet they'll ask…"
    if i <= start or i + 1 >= len(tokens):
        return None
    if tokens[i] == "so" and tokens[i - 1] != ",":
        # "so" without a comma means purpose ("…on the invoice so you don't forget").
        return _strict_clause_verb(tokens, i + 1)
    return _embedded_clause_verb(tokens, i) or _zero_relative_verb(tokens, i)


def _embedded_clause_verb(tokens: Sequence[str], i: int) -> int | None:
    """The verb of a relative, embedded-wh or complement clause introduced at token `i`."""
    token, previous = tokens[i], tokens[i - 1]
    if token in COMPLEMENT_VERBS:
        after = i + 1
        if token in _REPORTING_VERBS and tokens[after] == ",":
            after += 1  # reported speech: 'you say, "That's not my department."'
        return clause_verb(tokens, after + 1 if tokens[after] == "that" else after)
    if token in _NON_RESTRICTIVE and previous == ",":
        return _next_finite_verb(tokens, i + 1)
    relative = token in _RELATIVES and _is_noun_host(previous)
    embedded_wh = token in WH_WORDS and token not in {"which", "whose"}
    embedded_wh = embedded_wh and (previous != "," or token in _FREE_RELATIVES)
    if not (relative or embedded_wh):
        return None
    # Subject relative ("that works") or object relative ("that I can sort").
    if is_finite_verb(tokens[i + 1]):
        return i + 1
    return clause_verb(tokens, i + 1)


def _zero_relative_verb(tokens: Sequence[str], i: int) -> int | None:
    """A relative clause without a relative word: "the config you use", "a number I trust".

    Only for a determiner phrase in object position (after a verb or preposition): at the start
    of a clause "every month I'd have to…" is an adverbial, not a relative clause.
    """
    if tokens[i] not in DETERMINERS or not is_word(tokens[i - 1]):
        return None
    if tokens[i - 1] in COORDINATORS or tokens[i - 1] in SUBORDINATORS:
        return None
    for k in range(i + 1, min(len(tokens), i + 1 + _MAX_ADVERBIAL)):
        if not is_word(tokens[k]) or tokens[k] in FUNCTION_WORDS:
            if tokens[k] in _PERSONAL_SUBJECTS and k > i + 1:
                return clause_verb(tokens, k)
            return None
    return None


def _next_finite_verb(tokens: Sequence[str], i: int) -> int | None:
    """The first finite verb within reach, looking through a parenthetical ", at the time,"."""
    for k in range(i, min(len(tokens), i + _PARENTHETICAL_REACH)):
        if tokens[k] in COORDINATORS:
            return None
        if is_finite_verb(tokens[k]):
            return k
    return None


def _is_comment_clause(tokens: Sequence[str], verb: int) -> bool:
    """A medial or final ", I think." / ", you know," is a comment, not a clause."""
    if tokens[verb] not in _COMMENT_VERBS or tokens[verb - 1] not in _PERSONAL_SUBJECTS:
        return False
    return verb + 1 >= len(tokens) or not is_word(tokens[verb + 1])


def _is_noun_host(token: str) -> bool:
    if token in _RELATIVE_HOSTS:
        return True
    return is_word(token) and token not in FUNCTION_WORDS and not is_finite_verb(token)


def _strict_clause_verb(tokens: Sequence[str], i: int) -> int | None:
    """A clause whose subject is a pronoun or a determiner phrase — names and bare nouns after a
    comma are more often list items than subjects."""
    j = skip_adverbs(tokens, i)
    if j >= len(tokens) or not (tokens[j] in SUBJECT_PRONOUNS or tokens[j] in DETERMINERS):
        return None
    return clause_verb(tokens, j)


def _independent_clause_verb(tokens: Sequence[str], i: int, *, strict: bool) -> int | None:
    while i < len(tokens) and tokens[i] in _LINKING_FILLERS:
        i += 1
    if i >= len(tokens) or tokens[i] in WH_WORDS or _subordinator_length(tokens, i):
        return None  # ", which are cheap", ", when nobody's posting": dependent clauses
    verb = _strict_clause_verb(tokens, i) if strict else clause_verb(tokens, i)
    if verb is not None:
        return verb
    if tuple(tokens[i : i + 2]) == ("let", "us"):
        return i  # ", let's get started": a directive of its own, not a shared-subject predicate
    return _verb_after_adverbial(tokens, i)


def _verb_after_adverbial(tokens: Sequence[str], i: int) -> int | None:
    """A clause behind a short fronted adverbial: "and every month I'd have to…", "because last
    spring someone skipped it"."""
    for j in range(i + 1, min(len(tokens), i + _MAX_ADVERBIAL + 1)):
        token = tokens[j]
        if not is_word(token) or token in WH_WORDS or token in SUBORDINATORS:
            return None
        if token in SUBJECT_PRONOUNS and token not in DETERMINERS:
            return clause_verb(tokens, j)
    return None


def _confidence(count: ClauseCount, length: int) -> float:
    if not count.finite:
        return 0.85 if length <= 6 else 0.65
    sure = 0.8 if count.independent + count.dependent == 1 else 0.7
    sure -= 0.08 * count.splices
    sure -= 0.01 * max(0, length - _LONG_SENTENCE)
    return round(max(0.35, sure), 2)
