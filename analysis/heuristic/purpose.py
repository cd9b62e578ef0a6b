"""Purpose (the 24 labels of docs/architecture.md, Dimensions) from cue phrases, sentence type and
the ±1 context.

Follows the deciding order of GUIDELINES §3: verbatim quotes are Recitation; the first sentence
of a reply to another speaker's open question is an Answer (unless it corrects, objects, retracts,
amends or asks back); genuine questions are Query or Request; then the strongest cue phrase wins
(each label's cues carry a strength: how reliably the phrase signals that purpose); then the
sentence type (a command is a Request, an exclamation an Exclamation); the fallback is Statement,
with low confidence.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.heuristic.cues import compile_cues, normalise
from analysis.heuristic.function_type import (
    EXCLAMATORY,
    IMPERATIVE,
    INTERROGATIVE,
    classify_function_type,
)
from analysis.heuristic.grammar import core_start
from analysis.heuristic.judgement import Judgement
from analysis.heuristic.lexicon import AUXILIARIES, WH_WORDS
from analysis.heuristic.tokens import final_mark, tokenize
from analysis.heuristic.wordset import word_set
from analysis.port import ContextWindow, Utterance


@dataclass(frozen=True)
class _Cues:
    label: str
    strength: float
    pattern: re.Pattern[str]


def _cues(label: str, strength: float, *phrases: str) -> _Cues:
    return _Cues(label, strength, compile_cues(phrases))


# Order matters only for ties of equal strength: earlier wins.
_CUES: tuple[_Cues, ...] = (
    _cues("Retraction", 0.85, "scratch that", "i take that back", "i take it back",
          "forget what i said", "never mind", "nevermind", "i retract", "ignore what i said",
          "disregard that", "strike that", "forget that idea", "forget i said"),
    _cues("Correction", 0.82, "^actually no", "^no wait", "^sorry i meant", "sorry i mean",
          "i meant to say", "i misspoke", "let me correct", "^no it was", "^no it's",
          "^wait no", "^not quite", "re:^[\\w-]+ actually$", "re:\\bactually and\\b",
          "that's not what i said"),
    _cues("Amendment", 0.8, "let me rephrase", "let me amend", "to amend", "or rather",
          "^make it", "^make that", "let me revise", "i'd change that to", "let me update that",
          "change it to", "instead let's", "let's make it"),
    _cues("Threat", 0.8, "or i'll", "or we'll", "i'll cancel", "we'll cancel",
          "i'm going to cancel", "i will cancel", "i'll switch to", "we're moving to another",
          "we're switching to", "we'll switch to", "i'll leave", "i'll quit", "you'll regret",
          "take our business", "we'll pull", "we'll escalate", "cancel our contract",
          "find another vendor", "moving to another vendor"),
    _cues("Warning", 0.78, "be careful", "watch out", "otherwise", "heads up", "beware",
          "careful", "the risk is", "risky", "dangerous", "whatever you do", "or else",
          "could backfire", "will break", "you'll lose", "we'll lose", "we'll blow",
          "re:\\bor (?:it|they|he|she|the \\w+|your \\w+|it|\\w+) (?:will|'ll|locks|gets|"
          "breaks|dies|fails|expires)\\b",
          "re:^if\\b.*\\b(?:we'll|you'll|it'll|we will|you will|they'll) (?:be|blow|lose|miss|"
          "break|get|have to|end up)\\b"),
    _cues("Objection", 0.8, "i disagree", "that's not right", "i don't agree",
          "that's not true", "not true", "i object", "that's wrong", "i'd push back",
          "push back", "i'm not sure that's", "i don't think that's", "i don't buy",
          "that doesn't make sense", "no that's", "i don't think so", "that won't work",
          "that's not going to work", "do we have to", "we can't just", "absolutely not"),
    _cues("Advisory", 0.75, "you should", "i'd recommend", "i would recommend", "i recommend",
          "you might want to", "i'd suggest", "i suggest", "i would suggest", "my advice",
          "you'd better", "you ought to", "it's worth", "make sure", "we should", "we could",
          "maybe we should", "my recommendation", "the best way is", "^always", "^never",
          "you could", "it's better to", "it helps to", "best practice"),
    _cues("Request", 0.78, "could you", "can you", "would you mind", "please", "can i get",
          "i'd like you to", "would you", "let me know", "send me", "i need you to",
          "mind if i", "could we", "do you mind", "can i", "could i", "may i",
          "i need every", "i need all"),
    _cues("Musing", 0.72, "i wonder", "i've been thinking", "i was wondering", "what if",
          "makes me think", "i keep thinking", "i've been wondering", "i'm curious whether",
          "it's funny how", "i sometimes think", "i wonder whether", "i wonder if"),
    _cues("Clarification", 0.72, "^i mean", "what i meant", "what i mean is", "to be clear",
          "in other words", "just to clarify", "to clarify", "i'm talking about",
          "what i'm saying is", "specifically", "that is to say", "by that i mean",
          "i'm referring to", "re:\\bi mean (?:the|a|an|that|this|our|your)\\b",
          "re:^by \\w+ i mean", "not the", "to be exact", "to be precise"),
    _cues("Conclusion", 0.72, "^so basically", "in short", "overall", "in summary",
          "to sum up", "bottom line", "all in all", "at the end of the day",
          "long story short", "so the takeaway", "we've decided", "^so that's",
          "^so the real", "so in the end", "net net", "to wrap up", "so one goal is",
          "^so we're", "^so we'll", "^so it's", "so the problem", "the takeaway"),
    _cues("Confession", 0.72, "i have to admit", "i admit", "full disclosure", "i confess",
          "truth is", "embarrassing", "i'll admit", "i must admit", "i'm guilty", "my bad",
          "my fault", "i messed up", "i screwed up", "i forgot to", "i gave up", "i skipped",
          "i never actually", "i didn't read", "i lied", "i cheated",
          "i'll be honest", "confession", "my mistake", "i made a mistake",
          "re:\\bi(?:'ve)? (?:already )?mis[a-z]+ed\\b"),
    _cues("Explanation", 0.66, "because", "the reason", "that's why", "which is why",
          "due to", "that's because", "since", "in order to", "the way it works",
          "that's how", "which means", "that means",
          "it works by", "that's what causes", "caused by"),
    _cues("Recitation", 0.7, "he described it as", "she described it as", "in their words",
          "as it says", "the message said", "word for word", "the screen says", "it says",
          "the error says", "the sign says", "quote unquote"),
    _cues("Speculation", 0.64, "maybe", "probably", "i guess", "might", "perhaps", "possibly",
          "i suspect", "i bet", "^bet", "could be", "i'd imagine", "presumably", "my guess",
          "likely", "i assume", "i'm guessing", "could it be", "my hunch", "must have",
          "i'd guess", "chances are"),
    _cues("Mockery", 0.7, "yeah right", "oh sure", "oh great", "oh wonderful", "oh fantastic",
          "as if", "how convenient", "what a surprise", "big surprise", "genius",
          "slow clap", "good luck with that", "of course it starts with", "thanks a lot"),
    _cues("Addendum", 0.66, "^also", "one more thing", "^and also", "in addition",
          "additionally", "on top of that", "^plus", "another thing", "^oh and", "as well",
          "by the way", "one stretch idea", "^and third", "^oh also", "^and one more"),
    _cues("Qualification", 0.6, "^but", "although", "though", "only if", "except",
          "unless", "with caveats", "that said", "to some extent", "partly",
          "however", "not always", "depends", "at least", "in some cases", "as long as",
          "only for", "but not", "that's only", "re:\\bonly\\b.*\\bthough$"),
    _cues("Observation", 0.6, "i notice", "i've noticed", "i noticed", "it seems",
          "seems like", "looks like", "i've seen", "we're seeing", "i still see", "apparently",
          "it appears", "tends to", "that matches", "lines up with", "i see", "i can see",
          "it started", "it keeps", "went up", "went down",
          "every time", "showing up", "there's a pattern", "trend"),
    _cues("Commentary", 0.56, "that's great", "that's interesting", "that's helpful",
          "that's really useful", "that's useful", "that's fair", "good point", "makes sense",
          "that must be", "that sounds", "i love that", "interesting", "that's a first",
          "that's a strong signal", "that's a lot", "that's a great", "fair enough",
          "it's a maze", "that's smart", "that's clever", "that's annoying",
          "that's brutal", "that's rough", "that's wild", "that's crazy", "that's terrible",
          "that's awful", "that's impressive", "love that", "great idea", "nice",
          "re:\\b(?:it's|that's|this is|it is|that is|that was|it was) (?:really |so |pretty |"
          "kind of |a bit |such )?(?:a )?(?:maze|mess|nightmare|pain|joke|disaster|"
          "great|awesome|amazing|terrible|awful|brilliant|smart|silly|ridiculous|stressful|"
          "annoying|frustrating|painful|clunky|slick|neat|clever|useless|helpful|wild)\\b"),
)  # fmt: skip
# Dropped before matching so "^make it" also fires on "Okay, make it four".
_LEADING_FILLERS = re.compile(r"^(?:(?:okay|ok|um|uh|well|alright|yeah|yes|right|hmm|look) )+")
_SHORT_ANSWERS = word_set(
    "yes yeah yep yup no nope sure exactly right correct definitely absolutely mostly "
    "sometimes never always totally kind sort of course not"
)
_ANSWER_CONFIDENCE = 0.72
# A reply keeps these labels instead of Answer (GUIDELINES §3 rule 2).
_OVERRIDE_ANSWER = frozenset({"Correction", "Objection", "Retraction", "Amendment"})
# What a question may be instead of a Query (GUIDELINES §3 rule 3).
_QUESTION_PURPOSES = frozenset({"Request", "Speculation", "Mockery", "Objection", "Advisory"})
_INFORMING_VERBS = frozenset({"tell", "walk", "describe", "explain", "show", "talk", "give"})
_QUOTED = re.compile(
    r"(?:^|(?<=[\s,:]))[\"\u201c'\u2018]([^\"\u201d\u2019]+?)[\"\u201d'\u2019](?=[\s.,!?]|$)"
)
_MIN_QUOTED_WORDS = 3
_FALLBACK_CONFIDENCE = 0.3


@lru_cache(maxsize=4096)
def strongest_cue(text: str) -> tuple[str, float, float] | None:
    """(label, strength, runner-up strength of another label) of the cues in `text`."""
    normal = _LEADING_FILLERS.sub("", normalise(text))
    fired = [(c.strength, c.label) for c in _CUES if c.pattern.search(normal)]
    if not fired:
        return None
    best = max(fired, key=lambda f: f[0])  # max() keeps the first of equals: _CUES order
    others = [s for s, label in fired if label != best[1]]
    return best[1], best[0], max(others, default=0.0)


def classify_purpose(window: ContextWindow) -> Judgement:
    target = window.target
    function = classify_function_type(target.text)
    cue = strongest_cue(target.text)
    if _recites(target.text):
        return Judgement("Recitation", 0.8)
    if _answers_previous(window):
        if cue and cue[0] in _OVERRIDE_ANSWER:
            return Judgement(cue[0], _cue_confidence(cue))
        if function.value != INTERROGATIVE or not _question_form(target.text):
            return Judgement("Answer", _answer_confidence(target.text))
    if function.value == INTERROGATIVE:
        if cue and cue[0] in _QUESTION_PURPOSES:
            return Judgement(cue[0], _cue_confidence(cue))
        return Judgement("Query", round(0.5 + 0.4 * function.confidence, 2))
    if cue:
        return Judgement(cue[0], _cue_confidence(cue))
    if function.value == EXCLAMATORY:
        return Judgement("Exclamation", round(0.75 * function.confidence, 2))
    if function.value == IMPERATIVE:
        if _announces_own_action(target.text):
            return Judgement("Statement", 0.5)
        return Judgement("Request", round(0.7 * function.confidence, 2))
    return Judgement("Statement", _FALLBACK_CONFIDENCE)


def _cue_confidence(cue: tuple[str, float, float]) -> float:
    """The cue's strength, less when another label's cue fired almost as strongly."""
    _, strength, runner_up = cue
    return round(strength - 0.5 * max(0.0, runner_up - (strength - 0.2)), 2)


def _recites(text: str) -> bool:
    """Verbatim words in quotes: a quoted span of three words or more."""
    return any(len(q.split()) >= _MIN_QUOTED_WORDS for q in _QUOTED.findall(text))


def _answers_previous(window: ContextWindow) -> bool:
    """The sentence just before was another speaker's question or request for information."""
    if not window.before:
        return False
    previous = window.before[-1]
    if previous.speaker is not None and previous.speaker == window.target.speaker:
        return False
    if final_mark(previous.text) == "?":
        return True
    return _requests_information(previous)


def _requests_information(utterance: Utterance) -> bool:
    """ "Walk me through…", "Tell me about…": a command whose act is to inform."""
    if classify_function_type(utterance.text).value != IMPERATIVE:
        return False
    tokens = tokenize(utterance.text)
    return any(t in _INFORMING_VERBS for t in tokens[core_start(tokens) :][:3])


def _question_form(text: str) -> bool:
    """A wh-question or inverted auxiliary: a counter-question, not an uptalk answer."""
    tokens = tokenize(text)
    core = tokens[core_start(tokens) :]
    return bool(core) and (core[0] in WH_WORDS or core[0] in AUXILIARIES)


def _announces_own_action(text: str) -> bool:
    """ "Let me pull that up." announces what the speaker will do (GUIDELINES §3 rule 5)."""
    tokens = tokenize(text)
    return tuple(tokens[core_start(tokens) :][:2]) == ("let", "me")


def _answer_confidence(text: str) -> float:
    """Short replies ("Mostly, yeah.") are surely answers; long ones may be something else."""
    first = normalise(text).split(maxsplit=1)[0] if normalise(text) else ""
    return 0.85 if first in _SHORT_ANSWERS else _ANSWER_CONFIDENCE
