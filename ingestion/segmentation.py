"""Sentences from turns: the unit experts review (docs/architecture.md, Ingestion).

pysbd finds the boundaries (abbreviations, decimals, ellipses, quotes); we only take positions
from it and cut the turn ourselves, so every sentence is exactly a stretch of the turn and maps
back to the original text through the turn. Rules on top of pysbd:

- sentences never cross turns, and a blank line inside a turn always ends a sentence;
- a single line break inside a paragraph is read as a space (hard-wrapped text, multi-line cues);
- a "sentence" longer than `max_chars` (run-on speech) is cut at the best clause boundary near
  its middle, recursively, never inside a word;
- each sentence is stripped of surrounding whitespace and is never blank.

The result depends on the input alone, so a resumed pipeline sees the same sentences again.
"""

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pysbd

from ingestion.transcripts import Transcript

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

# Where a run-on sentence may be cut, best first: the cut goes after the punctuation, so a
# conjunction opens the second half. Within a tier, the candidate nearest the middle wins.
_CLAUSE_BOUNDARIES = (
    re.compile(r"[;:]\s|\s[\u2014\u2013]\s|\s--\s"),  # ; : dashes
    re.compile(r",\s+(?=(?:and|but|so|or|because|which|then|though|although|while)\b)"),
    re.compile(r",\s"),
    re.compile(r"\s"),
)
# Characters of text handed to pysbd at once (see _sentence_ends).
_PYSBD_WINDOW = 2_000
# Cuts closer than this share of the length to either end are not "near the middle".
_MIDDLE_WINDOW = 0.2


@dataclass(frozen=True)
class Segment:
    index: int  # 0-based across the whole transcript
    text: str  # the sentence, as spoken (non-blank, stripped)
    speaker: str | None
    start_char: int  # into the original text; for text/plain original[start:end] == text
    end_char: int
    start_ms: int | None = None  # for VTT/SRT: interpolated within the cue(s)
    end_ms: int | None = None


def segment(transcript: Transcript, *, max_chars: int = 400) -> list[Segment]:
    segments: list[Segment] = []
    for turn in transcript.turns:
        for start, end in _sentence_spans(turn.text, max_chars):
            start_char, end_char = turn.original_span(start, end)
            start_ms, end_ms = turn.time_span(start, end)
            segments.append(
                Segment(
                    index=len(segments),
                    text=turn.text[start:end],
                    speaker=turn.speaker,
                    start_char=start_char,
                    end_char=end_char,
                    start_ms=start_ms,
                    end_ms=end_ms,
                )
            )
    return segments


def sentence_spans(text: str, *, max_chars: int = 400) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`: stripped, non-blank, in order, not overlapping."""
    return list(_sentence_spans(text, max_chars))


def _sentence_spans(text: str, max_chars: int) -> Iterator[tuple[int, int]]:
    for start, end in _paragraphs(text):
        for sentence_start, sentence_end in _pysbd_spans(text, start, end):
            yield from _split_long(text, sentence_start, sentence_end, max_chars)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _pysbd_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans within text[start:end], cut where pysbd ends a sentence."""
    paragraph = text[start:end].replace("\n", " ")  # same length: positions carry over
    boundaries = [0, *_sentence_ends(paragraph), len(paragraph)]
    for lo, hi in itertools.pairwise(boundaries):
        if stripped := _strip(paragraph, lo, hi):
            yield stripped[0] + start, stripped[1] + start


def _sentence_ends(paragraph: str) -> Iterator[int]:
    """Where pysbd ends sentences in `paragraph`, fed to it a window at a time.

    pysbd's time grows with the square of its input (a 200,000-character monologue takes
    minutes), so it reads windows of text; the last sentence of a window may be cut short by
    the window's edge, so the next window starts at that sentence. A window without a complete
    sentence in it is doubled until it has one or reaches the end.
    """
    position, window = 0, _PYSBD_WINDOW
    while True:
        chunk = paragraph[position : position + window]
        ends = _located_ends(chunk)
        if position + window >= len(paragraph):
            yield from (position + end for end in ends)
            return
        if len(ends) < 2:
            window *= 2
            continue
        yield from (position + end for end in ends[:-1])
        position, window = position + ends[-2], _PYSBD_WINDOW


def _located_ends(chunk: str) -> list[int]:
    """The ends of pysbd's sentences, each found in `chunk` by searching forward.

    pysbd's own char_span offsets go wrong around repeated text, so we find each sentence
    ourselves, searching on from the end of the previous one. A sentence we cannot find
    (pysbd altered it) gives no boundary: its text stays with its neighbour, so nothing is lost.
    """
    ends = [0]
    for sentence in _segmenter().segment(chunk):
        found = chunk.find(sentence.strip(), ends[-1]) if sentence.strip() else -1
        if found != -1:
            ends.append(found + len(sentence.strip()))
    return ends[1:]


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    # Built on first use, not at import; segment() keeps no state between calls.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding whitespace, or None when nothing but whitespace is left."""
    piece = text[start:end]
    if not piece.strip():
        return None
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _split_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    cut = _best_cut(text, start, end) if end - start > max_chars else None
    if cut is None:
        yield start, end
        return
    for part in (_strip(text, start, cut), _strip(text, cut, end)):
        if part:
            yield from _split_long(text, *part, max_chars)


def _best_cut(text: str, start: int, end: int) -> int | None:
    """Where to cut text[start:end]: the best-tier clause boundary nearest the middle."""
    length = end - start
    middle = start + length // 2
    lowest, highest = start + int(length * _MIDDLE_WINDOW), end - int(length * _MIDDLE_WINDOW)
    for boundary in _CLAUSE_BOUNDARIES:
        cuts = [match.end() for match in boundary.finditer(text, start, end)]
        usable = [
            cut
            for cut in cuts
            if lowest <= cut <= highest and _both_sides_spoken(text, start, cut, end)
        ]
        if usable:
            return min(usable, key=lambda cut: (abs(cut - middle), cut))
    return None


def _both_sides_spoken(text: str, start: int, cut: int, end: int) -> bool:
    return bool(text[start:cut].strip()) and bool(text[cut:end].strip())
