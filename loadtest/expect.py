"""What a sentence must look like after the run, from the writes the server accepted alone.

Each accepted write, applied in log order (global position), decides part of the final state:
the last edit the text, the last override of a dimension that dimension's value, and the last
write overall whether the sentence is confirmed (a confirmation holds until an edit or an
override changes what was confirmed, and every write of the load test changes something).
A write whose effect is missing from the read model is a lost update.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from loadtest.clients import Accepted


@dataclass(frozen=True)
class Final:
    text: str
    overrides: dict[str, Any] = field(default_factory=dict)
    reviewed: bool = False


def expected_final(original_text: str, accepted: Iterable[Accepted]) -> Final:
    """The state after `accepted` (one sentence's writes), from a freshly ingested sentence."""
    text, overrides, reviewed = original_text, {}, False
    for write in sorted(accepted, key=lambda a: a.position):
        if write.kind == "edit":
            text = write.body["text"]
        elif write.kind == "override":
            overrides.update(write.body["fields"])
        reviewed = write.kind == "confirm"
    return Final(text, overrides, reviewed)


def lost_writes(expected: Final, row: Mapping[str, Any]) -> list[str]:
    """What of `expected` the read-model row (text, overrides, reviewed) does not show."""
    lost = []
    if row["text"] != expected.text:
        lost.append(f"text is {row['text']!r}, the last accepted edit wrote {expected.text!r}")
    for name in sorted(set(expected.overrides) | set(row["overrides"])):
        shown, wanted = row["overrides"].get(name), expected.overrides.get(name)
        if shown != wanted:
            lost.append(f"override {name} is {shown!r}, the last accepted one set {wanted!r}")
    if row["reviewed"] != expected.reviewed:
        lost.append(f"reviewed is {row['reviewed']}, the accepted writes leave {expected.reviewed}")
    return lost
