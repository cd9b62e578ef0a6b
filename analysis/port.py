"""The Analyzer port: what every analysis backend promises (docs/architecture.md, Dimensions).

A backend gets a batch of `AnalysisRequest`s — one per sentence, each carrying the context
window every dimension is allowed to see — and returns one `Analysis` per request, in order.

Contract:
- `analyze` returns exactly `len(requests)` results, result *i* for request *i*.
- Every value is inside the label sets of docs/architecture.md, Dimensions: one label for
  single-label dimensions; up to six lower-cased phrases for `overall_keywords`; up to six entries
  of the request's `domain_keywords`, spelled as in that list, for `domain_keywords`.
  `validate_analysis` checks exactly this; backends call it before returning.
- Each value has a confidence in [0, 1] that says how sure the backend honestly is.
- A backend that cannot analyse every request (after its own retries) raises `AnalyzerError`
  and returns nothing: the pipeline never records half a batch from a failed call.
- Backends hold no per-interview state: the same request always may be sent again.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from events.dimensions import (
    DIMENSIONS,
    Dimension,
    DimensionValue,
    InvalidDimensionValue,
    validate_value,
)


@dataclass(frozen=True)
class Utterance:
    text: str
    speaker: str | None = None

    def render(self) -> str:
        return f"{self.speaker}: {self.text}" if self.speaker else self.text


@dataclass(frozen=True)
class ContextWindow:
    """The target sentence with up to N neighbours on each side (fewer at the edges)."""

    before: tuple[Utterance, ...]
    target: Utterance
    after: tuple[Utterance, ...]

    def render(self) -> str:
        """One utterance per line, the target marked so a model knows which one to label."""
        lines = [u.render() for u in self.before]
        lines.append(f">>> {self.target.render()} <<<")
        lines.extend(u.render() for u in self.after)
        return "\n".join(lines)

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return (*self.before, self.target, *self.after)


@dataclass(frozen=True)
class AnalysisRequest:
    """One sentence to analyse, with the context each dimension may use."""

    target: Utterance
    windows: Mapping[Dimension, ContextWindow]  # one per dimension, sized by DIMENSIONS
    domain_keywords: tuple[str, ...]  # the project's list: the only allowed domain keywords

    @property
    def text(self) -> str:
        return self.target.text

    @property
    def speaker(self) -> str | None:
        return self.target.speaker

    def window(self, dimension: Dimension) -> ContextWindow:
        return self.windows[dimension]


@dataclass(frozen=True)
class Analysis:
    values: dict[str, DimensionValue]
    confidence: dict[str, float] = field(default_factory=dict)


class AnalyzerError(Exception):
    """The backend could not analyse the batch; `retryable` says whether trying later may help
    (a provider outage) or not (a request the provider keeps refusing, a bad configuration)."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class Analyzer(ABC):
    """Identity of the backend, recorded in every AnalysisGenerated event."""

    name: str  # e.g. "heuristic", "openai" (the ANALYZER setting's value)
    model: str
    model_version: str
    prompt_version: str
    # How many requests callers should pass per `analyze` call to keep the backend busy; a
    # failed call loses at most that much work, so it is no larger than it needs to be.
    batch_size: int = 16

    @abstractmethod
    def analyze(self, requests: Sequence[AnalysisRequest]) -> list[Analysis]:
        """One Analysis per request, in order; AnalyzerError if any cannot be analysed."""

    def close(self) -> None:  # noqa: B027 - optional hook: most backends hold nothing
        """Release connections or pools; the analyzer is not used afterwards."""


def validate_analysis(values: Mapping[str, Any], domain_keywords: Sequence[str]) -> dict:
    """`values` normalised, with every dimension present and inside the label sets of
    docs/architecture.md, Dimensions.

    Raises InvalidDimensionValue naming the first bad dimension.
    """
    missing = [d.value for d in DIMENSIONS if d.value not in values]
    if missing:
        raise InvalidDimensionValue(f"missing dimensions: {', '.join(missing)}")
    unknown = [name for name in values if name not in Dimension.__members__.values()]
    if unknown:
        raise InvalidDimensionValue(f"unknown dimensions: {', '.join(map(str, unknown))}")
    return {
        name: validate_value(name, value, domain_keywords=domain_keywords)
        for name, value in values.items()
    }
