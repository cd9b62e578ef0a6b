"""The embedded `heuristic` analyzer backend (docs/architecture.md, Dimensions): rules, no model, no
network."""

from analysis.heuristic import cues, keywords, lexicon
from analysis.heuristic.analyzer import HeuristicAnalyzer

__all__ = ["HeuristicAnalyzer", "clear_caches"]


def clear_caches() -> None:
    """Forget the per-text memos (YAKE candidates, normalised text, verb forms).

    Results never depend on them; benchmarks clear them to measure a first run, not a replay.
    """
    for memo in (cues.normalise, keywords.sentence_candidates, lexicon.is_finite_verb):
        memo.cache_clear()
