"""Text transcripts: `Speaker: text` turns (format "text") or unlabeled prose (format "plain").

Whether a file is a dialogue is decided from the whole file, not line by line: a stray
"Note: the meeting ran late" or "Time: 10:30" must not turn an essay into a conversation. A
file is turn-based when speaker labels start at least half of its non-blank lines, when a label
names a front-matter participant, or when labels that recur (the same speaker again) start at
least a fifth of its lines: the last case covers speakers whose turns run over several lines.

In a turn-based file, lines without a label continue the previous speaker's turn (hard-wrapped
or multi-paragraph answers). A line starting with an annotation word ("Note:", "Time:") becomes
a turn of its own with no speaker: nobody said it. Turn text is always a verbatim stretch of the
original, so original[turn.start_char:turn.end_char] == turn.text.
"""

from collections.abc import Iterator
from typing import NamedTuple

from ingestion.transcripts.front_matter import FrontMatter
from ingestion.transcripts.model import Transcript, Turn
from ingestion.transcripts.speakers import Label, LabelJudge, SpeakerNames, find_label


class _Line(NamedTuple):
    start: int  # offset of the line in the original text
    text: str  # without its line break

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def content_start(self) -> int:
        return self.start + len(self.text) - len(self.text.lstrip())

    @property
    def content_end(self) -> int:
        return self.start + len(self.text.rstrip())


def parse_text(text: str, front_matter: FrontMatter) -> Transcript:
    lines = list(_lines(text, front_matter.body_start))
    metadata = front_matter.metadata
    labels = [label for line in lines if (label := find_label(line.text))]
    judge = LabelJudge.of(labels, participants=metadata.participants)
    if _is_turn_based(lines, judge):
        names = SpeakerNames(metadata.participants)
        return Transcript("text", metadata, tuple(_speaker_turns(text, lines, judge, names)))
    return Transcript("plain", metadata, tuple(_paragraphs(text, lines)))


def _lines(text: str, start: int) -> Iterator[_Line]:
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        yield _Line(start, text[start:end])
        start = end + 1


def _is_turn_based(lines: list[_Line], judge: LabelJudge) -> bool:
    non_blank = [line for line in lines if not line.is_blank]
    labels = [label for line in non_blank if (label := _speaker_label(line, judge))]
    recurring = sum(1 for label in labels if judge.recurs(label))
    return bool(labels) and (
        2 * len(labels) >= len(non_blank)
        or any(judge.is_participant(label) for label in labels)
        or (recurring >= 2 and 5 * recurring >= len(non_blank))
    )


def _speaker_label(line: _Line, judge: LabelJudge) -> Label | None:
    label = find_label(line.text)
    return label if label and judge.names_speaker(label) else None


def _is_annotation_line(line: _Line, judge: LabelJudge) -> bool:
    label = find_label(line.text)
    return label is not None and judge.is_annotation(label)


class _TurnBuilder:
    """Collects the lines of one turn; its text runs from the first to the last non-blank one."""

    def __init__(self, speaker: str | None, start: int | None = None, end: int = 0) -> None:
        self.speaker = speaker
        self.start = start
        self.end = end

    def extend(self, start: int, end: int) -> None:
        if self.start is None:
            self.start = start
        self.end = end

    def build(self, text: str) -> Turn | None:
        if self.start is None:
            return None
        return Turn(self.speaker, text[self.start : self.end], self.start, self.end)


def _speaker_turns(
    text: str, lines: list[_Line], judge: LabelJudge, names: SpeakerNames
) -> Iterator[Turn]:
    current: _TurnBuilder | None = None
    for line in lines:
        label = _speaker_label(line, judge)
        if label is None and not _is_annotation_line(line, judge):
            if not line.is_blank:  # a continuation line, or text before the first label
                current = current or _TurnBuilder(None)
                current.extend(line.content_start, line.content_end)
            continue
        if current and (turn := current.build(text)):
            yield turn
        if label is None:  # an annotation: a turn of its own that nobody spoke
            current = _TurnBuilder(None, line.content_start, line.content_end)
        else:
            current = _TurnBuilder(names.canonical(label.name))
            if line.start + label.text_start < line.content_end:
                current.extend(line.start + label.text_start, line.content_end)
    if current and (turn := current.build(text)):
        yield turn


def _paragraphs(text: str, lines: list[_Line]) -> Iterator[Turn]:
    """Blank-line separated paragraphs, each a turn with no speaker."""
    current = _TurnBuilder(None)
    for line in lines:
        if not line.is_blank:
            current.extend(line.content_start, line.content_end)
            continue
        if turn := current.build(text):
            yield turn
        current = _TurnBuilder(None)
    if turn := current.build(text):
        yield turn
