"""Transcript parsing: uploaded text in, speaker turns with offsets into that text out.

`parse_transcript` expects the text `ingestion.upload.decode_upload` returns (LF line endings,
no BOM); every offset it reports is into exactly that text.
"""

from pathlib import PurePath

from ingestion.transcripts import srt, webvtt
from ingestion.transcripts.front_matter import read_front_matter
from ingestion.transcripts.model import (
    CueTime,
    Piece,
    Transcript,
    TranscriptError,
    TranscriptMetadata,
    Turn,
)
from ingestion.transcripts.plain import parse_text

__all__ = [
    "CueTime",
    "Piece",
    "Transcript",
    "TranscriptError",
    "TranscriptMetadata",
    "Turn",
    "parse_transcript",
]

_SUBTITLE_EXTENSIONS = {".vtt": "WebVTT", ".srt": "SubRip (SRT)"}


def parse_transcript(text: str, filename: str = "") -> Transcript:
    """Parse `text`, recognising its format by content first and by extension second.

    A `WEBVTT` first line means WebVTT and a numbered timing block means SubRip, whatever the
    file is called. A .vtt or .srt name on content that is neither is an error rather than a
    silent fallback to prose: the user meant to give us subtitles and something went wrong.
    Anything else is a text transcript, turn-based or plain prose (see `plain`).
    """
    if webvtt.HEADER.match(text):
        return webvtt.parse_webvtt(text)
    if srt.OPENING.match(text):
        return srt.parse_srt(text)
    extension = PurePath(filename).suffix.lower()
    if extension in _SUBTITLE_EXTENSIONS:
        raise TranscriptError(
            f"the file is named {extension} but does not look like"
            f" {_SUBTITLE_EXTENSIONS[extension]} subtitles",
            line=1,
        )
    return parse_text(text, read_front_matter(text))
