"""Context windows (docs/architecture.md, Dimensions): the target sentence plus ±N neighbours, N set
per dimension."""

from collections.abc import Sequence

from analysis.port import AnalysisRequest, ContextWindow, Utterance
from events.dimensions import DIMENSIONS, Dimension


def context_window(utterances: Sequence[Utterance], index: int, size: int) -> ContextWindow:
    """The utterance at `index` with up to `size` neighbours on each side."""
    if not 0 <= index < len(utterances):
        raise IndexError(f"no utterance {index} among {len(utterances)}")
    if size < 0:
        raise ValueError("a context size cannot be negative")
    return ContextWindow(
        before=tuple(utterances[max(0, index - size) : index]),
        target=utterances[index],
        after=tuple(utterances[index + 1 : index + 1 + size]),
    )


def analysis_request(
    utterances: Sequence[Utterance], index: int, domain_keywords: Sequence[str]
) -> AnalysisRequest:
    """The request for sentence `index` of an interview, with each dimension's window."""
    windows: dict[Dimension, ContextWindow] = {
        name: context_window(utterances, index, spec.context) for name, spec in DIMENSIONS.items()
    }
    return AnalysisRequest(
        target=utterances[index], windows=windows, domain_keywords=tuple(domain_keywords)
    )


def analysis_requests(
    utterances: Sequence[Utterance], domain_keywords: Sequence[str]
) -> list[AnalysisRequest]:
    return [analysis_request(utterances, i, domain_keywords) for i in range(len(utterances))]
