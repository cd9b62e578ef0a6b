"""From uploaded bytes to the sentences to record — everything that can refuse an upload.

All of it runs before the first event is appended, so a refused file leaves nothing behind
(SPEC 8: bad input is rejected with a clear message and nothing half-written).
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from ingestion.segmentation import Segment, segment
from ingestion.transcripts import Transcript, TranscriptError, parse_transcript
from ingestion.upload import RejectedUpload, decode_upload


@dataclass(frozen=True)
class PreparedUpload:
    filename: str
    content_sha256: str  # of the bytes as uploaded: the same file always gets the same id
    text: str  # decoded and LF-normalised; sentence offsets point into it
    transcript: Transcript
    segments: tuple[Segment, ...]

    @property
    def default_title(self) -> str:
        """The front matter's title, else the file name without its extension."""
        return self.transcript.metadata.title or PurePath(self.filename).stem or "Untitled"


def prepare_upload(raw: bytes, *, filename: str, max_bytes: int) -> PreparedUpload:
    """Validate, parse and segment an upload; RejectedUpload says why it cannot be ingested."""
    text = decode_upload(raw, filename=filename, max_bytes=max_bytes)
    try:
        transcript = parse_transcript(text, filename)
    except TranscriptError as e:
        raise RejectedUpload(f"{filename}: {e}") from e
    segments = tuple(segment(transcript))
    if not segments:
        raise RejectedUpload(f"{filename}: no sentences found in the transcript")
    return PreparedUpload(
        filename=filename,
        content_sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        transcript=transcript,
        segments=segments,
    )
