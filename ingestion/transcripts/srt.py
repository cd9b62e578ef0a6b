"""SubRip (.srt): numbered blocks of a timing line and text, as Otter and Zoom export them.

Timestamps use a comma before the milliseconds (`00:00:01,000`); some tools write a full stop,
which we accept too. Simple tags (<i>, <b>, <font color=…>) and `{\\an8}` overrides are removed.
"""

import re

from ingestion.transcripts.model import Transcript, TranscriptError, TranscriptMetadata
from ingestion.transcripts.subtitles import Cue, SourceLine, blocks, read_timing, turns_from_cues

_TIMESTAMP = r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_EXAMPLE = "00:00:01,000 --> 00:00:04,000"
# How an SRT file starts: a cue number, then a timing line.
OPENING = re.compile(rf"\s*\d+[ \t]*\n[ \t]*{_TIMESTAMP}[ \t]+-->")


def parse_srt(text: str) -> Transcript:
    cues = [_cue(block) for block in blocks(text)]
    return Transcript("srt", TranscriptMetadata(), turns_from_cues(cues, participants=()))


def _cue(block: list[SourceLine]) -> Cue:
    timing_at = 1 if block[0].text.strip().isdigit() else 0
    if timing_at >= len(block):
        raise TranscriptError(
            f"expected a timing line like '{_EXAMPLE}' after the cue number", line=block[0].number
        )
    start_ms, end_ms = read_timing(block[timing_at], _TIMESTAMP, _EXAMPLE)
    return Cue(start_ms, end_ms, tuple(block[timing_at + 1 :]))
