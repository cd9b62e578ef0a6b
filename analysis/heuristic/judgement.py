"""What every dimension rule returns: a value and how sure the rule honestly is."""

from dataclasses import dataclass

from events.dimensions import DimensionValue


@dataclass(frozen=True)
class Judgement:
    value: DimensionValue
    confidence: float  # in [0, 1], derived from how decisive the cues were

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")
