"""Speaker labels: recognising `Name: text` at the start of a line, and spelling names one way.

Used by every format: plain-text turns, Zoom-style VTT cues and Otter-style SRT cues all put the
speaker in front of a colon.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# 1 to 4 name-like words ("Maya Chen", "P1", "Speaker 2", "Dr. Okafor", "Jean-Luc O'Brien"), then a
# colon followed by a space or the end of the line, so "10:30" and "https://x" are never labels.
_WORD = r"[^\W_][\w'\u2019.-]*"
_LABEL = re.compile(rf"[ \t]*(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,3}})[ \t]*:(?=\s|$)")
_MAX_LABEL_CHARS = 40

# Lower-case words that may sit inside a capitalised name: "Ludwig van Beethoven".
_NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del"})

# Line prefixes that annotate rather than name a speaker ("Note: the meeting ran late").
NON_SPEAKER_LABELS = frozenset(
    {
        "note", "notes", "nb", "time", "date", "location", "place", "subject", "re", "agenda",
        "summary", "attendees", "participants", "present", "duration", "title", "update", "edit",
        "ps", "p.s", "action", "action item", "decision", "todo", "warning", "example", "source",
        "link", "transcript", "recording", "tl;dr", "question", "answer",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Label:
    """A `Name:` prefix found at the start of a line."""

    name: str  # whitespace collapsed
    text_start: int  # offset within the line where the spoken text begins (after the spaces)


def find_label(line: str) -> Label | None:
    """The speaker label at the start of `line`, if it has the shape of one."""
    match = _LABEL.match(line)
    if match is None or len(match["name"]) > _MAX_LABEL_CHARS:
        return None
    text_start = match.end()
    while text_start < len(line) and line[text_start] in " \t":
        text_start += 1
    return Label(name=normalise_name(match["name"]), text_start=text_start)


def normalise_name(name: str) -> str:
    return " ".join(name.split())


def looks_like_name(name: str) -> bool:
    """Capitalised words (or numbers): "Maya Chen", "P1", "Speaker 2" — not "the main thing"."""
    first, *rest = name.split()
    return _capitalised(first) and all(_capitalised(w) or w in _NAME_PARTICLES for w in rest)


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def is_annotation(name: str) -> bool:
    return name.casefold().rstrip(".") in NON_SPEAKER_LABELS


@dataclass(frozen=True)
class LabelJudge:
    """Which labels in one file name speakers, judged from all of the file's labels at once.

    A label names a speaker when it matches a front-matter participant, or when it is not an
    annotation word and either looks like a name or recurs ("the main thing:" once is prose,
    "interviewer:" on every other line is a speaker).
    """

    participants: frozenset[str]  # case-folded
    label_counts: Counter[str]  # case-folded label → how often it occurs in the file

    @classmethod
    def of(cls, labels: Iterable[Label], *, participants: Iterable[str]) -> "LabelJudge":
        counts = Counter(label.name.casefold() for label in labels)
        return cls(frozenset(p.casefold() for p in participants), counts)

    def names_speaker(self, label: Label) -> bool:
        key = label.name.casefold()
        if key in self.participants:
            return True
        if is_annotation(label.name):
            return False
        return looks_like_name(label.name) or self.recurs(label)

    def is_annotation(self, label: Label) -> bool:
        return is_annotation(label.name) and label.name.casefold() not in self.participants

    def is_participant(self, label: Label) -> bool:
        return label.name.casefold() in self.participants

    def recurs(self, label: Label) -> bool:
        return self.label_counts[label.name.casefold()] >= 2


class SpeakerNames:
    """Spells each speaker one way: labels differing only in case are the same person.

    The spelling is that of a matching front-matter participant, else the first one seen.
    """

    def __init__(self, participants: Iterable[str] = ()) -> None:
        self._spelling: dict[str, str] = {}
        for name in participants:
            self._spelling.setdefault(name.casefold(), name)

    def canonical(self, name: str) -> str:
        name = normalise_name(name)
        return self._spelling.setdefault(name.casefold(), name)

    def is_known(self, name: str) -> bool:
        return normalise_name(name).casefold() in self._spelling
