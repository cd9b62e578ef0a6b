"""Building requests for the heuristic analyzer's tests, the way the pipeline does."""

from collections.abc import Sequence

from analysis.context import analysis_requests
from analysis.port import AnalysisRequest, Utterance
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS


def dialogue(
    *turns: tuple[str, str], keywords: Sequence[str] = DEFAULT_DOMAIN_KEYWORDS
) -> list[AnalysisRequest]:
    """Requests for a dialogue given as (speaker, text) pairs, one sentence each."""
    utterances = [Utterance(text, speaker) for speaker, text in turns]
    return analysis_requests(utterances, keywords)
