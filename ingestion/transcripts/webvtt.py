"""WebVTT (.vtt) as Zoom, Teams and Otter export it.

A `WEBVTT` header, then blocks: NOTE, STYLE and REGION blocks are skipped; a cue is an optional
identifier line (a number, or a UUID as Teams writes), a timing line with optional cue settings,
and its text.
"""

import re

from ingestion.transcripts.model import Transcript, TranscriptError, TranscriptMetadata
from ingestion.transcripts.subtitles import Cue, SourceLine, blocks, read_timing, turns_from_cues

HEADER = re.compile(r"WEBVTT(?:[ \t].*)?(?:\n|$)")
_TIMESTAMP = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_EXAMPLE = "00:01:02.500 --> 00:01:05.000"
_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")


def parse_webvtt(text: str) -> Transcript:
    if HEADER.match(text) is None:
        raise TranscriptError("a WebVTT file must start with the line 'WEBVTT'", line=1)
    all_blocks = blocks(text)
    next(all_blocks)  # the header block: WEBVTT and any header lines under it
    cues = [_cue(block) for block in all_blocks if not _SKIPPED_BLOCK.match(block[0].text)]
    return Transcript("webvtt", TranscriptMetadata(), turns_from_cues(cues, participants=()))


def _cue(block: list[SourceLine]) -> Cue:
    timing_at = 0 if "-->" in block[0].text else 1  # skip the cue identifier, if any
    if timing_at >= len(block):
        raise TranscriptError(
            f"expected a cue timing line like '{_EXAMPLE}' after the cue identifier",
            line=block[0].number,
        )
    start_ms, end_ms = read_timing(block[timing_at], _TIMESTAMP, _EXAMPLE)
    return Cue(start_ms, end_ms, tuple(block[timing_at + 1 :]))
