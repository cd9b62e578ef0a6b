"""Overall keywords: YAKE candidates relevant to the target, ranked with the ±10 window's help.

Running YAKE over a 21-sentence window for every sentence costs ~10 ms each (≈100 sentences/s).
Instead YAKE runs once per distinct sentence (cached by text, so the result depends only on the
request), and the window contributes what YAKE on a whole document would: a candidate that the
neighbours also talk about is more topical. The target's own candidates come first; neighbours'
candidates only fill in when the target has too few (a "Big time." needs its context).
"""

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import yake

from analysis.heuristic.judgement import Judgement
from analysis.heuristic.tokens import words
from analysis.heuristic.wordset import word_set
from analysis.port import ContextWindow, Utterance
from events.dimensions import MAX_KEYWORDS

_MAX_NGRAM = 3
_CANDIDATES_PER_SENTENCE = 12
_MIN_FROM_TARGET = 2  # below this, neighbours' candidates top the list up
_NEIGHBOUR_DECAY = 0.8
# Speech fillers and hedges YAKE's stop-word list lets through; stripped from both ends of a
# candidate, and a candidate made only of them is dropped.
FILLERS = word_set(
    "like yeah yep yes no okay ok right sure um uh hmm gosh ha kind sort you know mean just "
    "really actually basically honestly literally totally pretty maybe probably thing things "
    "stuff lot bit got get great good thanks thank well also still even way much yeah "
    "definitely exactly super quite and or but so the a an of to i it is"
)


@lru_cache(maxsize=1)
def _extractor() -> yake.KeywordExtractor:
    """One extractor per process: building it loads the stop-word list from disk."""
    return yake.KeywordExtractor(lan="en", n=_MAX_NGRAM, dedupLim=0.9, top=_CANDIDATES_PER_SENTENCE)


@lru_cache(maxsize=8192)
def sentence_candidates(text: str) -> tuple[tuple[str, float], ...]:
    """Cleaned, lower-cased YAKE candidates of one sentence with relevance in (0, 1], best first."""
    found: dict[str, float] = {}
    for phrase, score in _extractor().extract_keywords(text):
        cleaned = _strip_fillers(phrase.lower().split())
        if cleaned and cleaned not in found:
            found[cleaned] = 1.0 / (1.0 + 10.0 * float(score))  # YAKE: lower is better
    return tuple(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def _strip_fillers(tokens: list[str]) -> str:
    while tokens and tokens[0].strip(".,!?\"'") in FILLERS:
        tokens = tokens[1:]
    while tokens and tokens[-1].strip(".,!?\"'") in FILLERS:
        tokens = tokens[:-1]
    phrase = " ".join(tokens).strip(".,!?\"'")
    return phrase if len(phrase) > 1 and not phrase.isdigit() else ""


def extract_keywords(window: ContextWindow) -> Judgement:
    names = _speaker_name_parts(u.speaker for u in window.utterances)
    support = _window_support(window)
    target = _rank(sentence_candidates(window.target.text), support, names, weight=1.0)
    picked = _pick(target, [])
    from_target = len(picked)
    if from_target < _MIN_FROM_TARGET:
        neighbours: list[tuple[str, float]] = []
        for distance, utterance in _neighbours(window):
            weight = _NEIGHBOUR_DECAY**distance
            candidates = sentence_candidates(utterance.text)
            neighbours.extend(_rank(candidates, support, names, weight=weight))
        neighbours.sort(key=lambda item: (-item[1], item[0]))
        picked = _pick(neighbours, picked, limit=_MIN_FROM_TARGET)
    return Judgement([k for k, _ in picked], _confidence(picked, from_target))


def _neighbours(window: ContextWindow) -> list[tuple[int, Utterance]]:
    before = [(len(window.before) - i, u) for i, u in enumerate(window.before)]
    after = [(i + 1, u) for i, u in enumerate(window.after)]
    return sorted(before + after, key=lambda item: item[0])


def _speaker_name_parts(speakers: Iterable[str | None]) -> frozenset[str]:
    return frozenset(part for s in speakers if s for part in words(s))


def _window_support(window: ContextWindow) -> dict[str, int]:
    """In how many window sentences each word occurs: YAKE's document statistics, cheaply."""
    support: dict[str, int] = {}
    for utterance in window.utterances:
        for word in set(words(utterance.text)):
            support[word] = support.get(word, 0) + 1
    return support


def _rank(
    candidates: Sequence[tuple[str, float]],
    support: dict[str, int],
    names: frozenset[str],
    *,
    weight: float,
) -> list[tuple[str, float]]:
    ranked = []
    for phrase, relevance in candidates:
        tokens = phrase.split()
        if names.intersection(tokens):
            continue
        # Mean support of the phrase's words beyond their own sentence: topical words recur.
        recurrence = sum(support.get(t, 1) - 1 for t in tokens) / len(tokens)
        ranked.append((phrase, weight * relevance * (1.0 + 0.5 * math.log1p(recurrence))))
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked


def _pick(
    ranked: Sequence[tuple[str, float]],
    picked: list[tuple[str, float]],
    limit: int = MAX_KEYWORDS,
) -> list[tuple[str, float]]:
    """Best candidates first, skipping any whose words a picked keyword already covers (a longer
    phrase that extends a picked one stays: "budgeting app" after "app" says more)."""
    chosen = list(picked)
    for phrase, score in ranked:
        if len(chosen) >= limit:
            break
        if any(set(phrase.split()) <= set(p.split()) for p, _ in chosen):
            continue
        chosen.append((phrase, score))
    return chosen


def _confidence(picked: Sequence[tuple[str, float]], from_target: int) -> float:
    """High when the target itself yields strong candidates; low when borrowed or empty."""
    if not picked:
        return 0.3
    mean = sum(min(1.0, score) for _, score in picked) / len(picked)
    share = from_target / len(picked)
    return round(min(0.9, 0.25 + 0.35 * mean + 0.3 * share), 2)
