"""What a parsed transcript is: turns of speech with their place in the uploaded text.

Every character offset here is into the text `ingestion.upload.decode_upload` returns: decoded,
BOM removed, line endings normalised to LF. Sentence offsets recorded in events point into that
same text, so an expert can always be shown where a sentence came from.
"""

import bisect
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple


class TranscriptError(ValueError):
    """Malformed input (bad front matter, a broken cue block); the message names the line."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class Piece(NamedTuple):
    """A stretch of a turn's text and the stretch of the original text it came from.

    Equal lengths mean a character-for-character copy (or a same-length substitution such as a
    line break read as a space). Unequal lengths mean a replacement: a decoded entity (`&amp;`
    → `&`) or the single space that joins two cues across their timing lines.
    """

    text_start: int
    text_end: int
    original_start: int
    original_end: int

    @property
    def is_positional(self) -> bool:
        return self.text_end - self.text_start == self.original_end - self.original_start


class CueTime(NamedTuple):
    """The stretch of a turn's text that one subtitle cue supplied, and the cue's timing."""

    text_start: int
    text_end: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class TranscriptMetadata:
    title: str | None = None
    project: str | None = None  # a project slug from front matter, if any
    recorded_on: datetime.date | None = None  # front matter `date`
    participants: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Turn:
    """One speaker turn (or one run of same-speaker subtitle cues, or one prose paragraph).

    `pieces` maps positions in `text` back to the original; empty means `text` is a verbatim
    copy of original[start_char:end_char] (always so for the "text" and "plain" formats).
    `cue_times` is empty unless the turn came from subtitles.
    """

    speaker: str | None
    text: str  # the spoken text, markup removed
    start_char: int  # span in the original text covering this turn's spoken text
    end_char: int
    start_ms: int | None = None
    end_ms: int | None = None
    pieces: tuple[Piece, ...] = ()
    cue_times: tuple[CueTime, ...] = ()

    def original_span(self, text_start: int, text_end: int) -> tuple[int, int]:
        """The original offsets of text[text_start:text_end] (a non-empty, stripped stretch)."""
        if not self.pieces:
            return self.start_char + text_start, self.start_char + text_end
        first = self._piece_at(text_start)
        last = self._piece_at(text_end - 1)
        start = (
            first.original_start + (text_start - first.text_start)
            if first.is_positional
            else first.original_start
        )
        end = (
            last.original_start + (text_end - last.text_start)
            if last.is_positional
            else last.original_end
        )
        return start, end

    def time_span(self, text_start: int, text_end: int) -> tuple[int | None, int | None]:
        """When text[text_start:text_end] was spoken, interpolated by position within its cues."""
        if not self.cue_times:
            return self.start_ms, self.end_ms
        return _time_at(self.cue_times, text_start, at_end=False), _time_at(
            self.cue_times, text_end, at_end=True
        )

    def _piece_at(self, position: int) -> Piece:
        starts = [piece.text_start for piece in self.pieces]
        return self.pieces[max(0, bisect.bisect_right(starts, position) - 1)]


def _time_at(cues: tuple[CueTime, ...], position: int, *, at_end: bool) -> int:
    """The moment `position` was reached: linear within a cue, cue edges between cues.

    Integer arithmetic only, so the same transcript always yields the same milliseconds.
    """
    for cue in cues:
        inside = (
            cue.text_start < position <= cue.text_end
            if at_end
            else cue.text_start <= position < cue.text_end
        )
        if inside:
            length = max(1, cue.text_end - cue.text_start)
            return (
                cue.start_ms + (position - cue.text_start) * (cue.end_ms - cue.start_ms) // length
            )
    # Between cues (on the joining space): the start of the next cue, or the end of the last.
    following = [cue for cue in cues if cue.text_start >= position]
    return following[0].start_ms if following else cues[-1].end_ms


@dataclass(frozen=True)
class Transcript:
    format: str  # "text" (speaker turns), "plain" (unlabeled continuous text), "webvtt", "srt"
    metadata: TranscriptMetadata
    turns: tuple[Turn, ...]

    @property
    def speakers(self) -> tuple[str, ...]:
        """Front-matter participants first, then labels in order of appearance, de-duplicated."""
        seen: dict[str, str] = {}
        for name in (*self.metadata.participants, *(t.speaker for t in self.turns if t.speaker)):
            seen.setdefault(name.casefold(), name)
        return tuple(seen.values())
