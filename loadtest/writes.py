"""What an expert writes next to a sentence they have just read: an edit, an override or a
confirmation — always one the sentence accepts as it was read (a new text, a value other than
the effective one, a confirmation only if unconfirmed), so that a 400 means a defect, and the
only expected refusal is the 412 of a sentence someone else changed meanwhile."""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from events.dimensions import DIMENSIONS

# Overrides use the single-label dimensions; keyword lists would need the project's vocabulary.
LABELS = {spec.name.value: spec.labels for spec in DIMENSIONS.values() if spec.labels}
KINDS = ("edit", "override", "confirm")
WEIGHTS = (3, 4, 3)


@dataclass(frozen=True)
class Write:
    kind: str  # the endpoint: /api/v1/sentences/{id}/{kind}/
    body: dict[str, Any]


def choose_write(sentence: Mapping[str, Any], rng: random.Random, tag: str) -> Write:
    """A write for `sentence` (the API's representation); `tag` is unique to this write, so an
    edit's text says who wrote it and never equals the text it replaces."""
    kind = rng.choices(KINDS, WEIGHTS)[0]
    if kind == "confirm" and sentence["reviewed"]:
        kind = "override"  # confirming a confirmed sentence is refused: nothing changed since
    if kind == "edit":
        text = f"{sentence['original_text'].strip()} [{tag}]"
        return Write("edit", {"text": text, "reason": f"load test {tag}"})
    if kind == "override":
        name = rng.choice(sorted(LABELS))
        current = sentence["effective"].get(name)
        value = rng.choice([label for label in LABELS[name] if label != current])
        return Write("override", {"fields": {name: value}, "reason": f"load test {tag}"})
    return Write("confirm", {"note": f"load test {tag}"})
