"""From uploaded bytes to the sentences to record — everything that can refuse an upload.

All of it runs before the first event is appended, so a refused file leaves nothing behind
(docs/architecture.md, Ingestion: bad input is rejected with a clear message and nothing
half-written). That includes checking every event the upload will produce against the catalogue's
limits, with stand-in ids.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from events import catalogue
from ingestion.segmentation import Segment, segment
from ingestion.transcripts import Transcript, TranscriptError, parse_transcript
from ingestion.upload import RejectedUpload, decode_upload

_STAND_IN = UUID(int=0)  # ids are only known at ingest time; their shape is not in question


@dataclass(frozen=True)
class PreparedUpload:
    filename: str
    title: str  # as given, else the front matter's, else the file name without its extension
    content_sha256: str  # of the bytes as uploaded: the same file always gets the same id
    text: str  # decoded and LF-normalised; sentence offsets point into it
    transcript: Transcript
    segments: tuple[Segment, ...]

    def interview_data(self) -> dict[str, Any]:
        """InterviewCreated's data, less the project (known at ingest time)."""
        metadata = self.transcript.metadata
        return {
            "title": self.title,
            "source_filename": self.filename,
            "content_sha256": self.content_sha256,
            "participants": list(self.transcript.speakers),
            "recorded_on": metadata.recorded_on,
            "metadata": {"format": self.transcript.format, **dict(metadata.extra)},
        }


def prepare_upload(
    raw: bytes, *, filename: str, max_bytes: int, title: str | None = None
) -> PreparedUpload:
    """Validate, parse and segment an upload; RejectedUpload says why it cannot be ingested."""
    text = decode_upload(raw, filename=filename, max_bytes=max_bytes)
    try:
        transcript = parse_transcript(text, filename)
    except TranscriptError as e:
        raise RejectedUpload(f"{filename}: {e}") from e
    segments = tuple(segment(transcript))
    if not segments:
        raise RejectedUpload(f"{filename}: no sentences found in the transcript")
    upload = PreparedUpload(
        filename=filename,
        title=_title(title, transcript, filename),
        content_sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        transcript=transcript,
        segments=segments,
    )
    _check_events(upload)
    return upload


def _title(given: str | None, transcript: Transcript, filename: str) -> str:
    for candidate in (given, transcript.metadata.title, PurePath(filename).stem):
        if candidate and candidate.strip():
            return candidate.strip()
    return "Untitled"


def _check_events(upload: PreparedUpload) -> None:
    try:
        catalogue.validate(
            "InterviewCreated",
            {**upload.interview_data(), "project_id": _STAND_IN},
            aggregate_type="Interview",
        )
    except catalogue.EventSchemaError as e:
        raise RejectedUpload(
            f"{upload.filename}: the interview cannot be recorded: {_brief(e)}"
        ) from e
    for seg in upload.segments:
        data = {
            "interview_id": _STAND_IN,
            "project_id": _STAND_IN,
            "index": seg.index,
            "text": seg.text,
            "speaker": seg.speaker,
            "start_char": seg.start_char,
            "end_char": seg.end_char,
            "start_ms": seg.start_ms,
            "end_ms": seg.end_ms,
        }
        try:
            catalogue.validate("SentenceCreated", data, aggregate_type="Sentence")
        except catalogue.EventSchemaError as e:
            raise RejectedUpload(
                f"{upload.filename}: sentence {seg.index + 1} (at character {seg.start_char})"
                f" cannot be recorded: {_brief(e)}"
            ) from e


def _brief(error: catalogue.EventSchemaError) -> str:
    """'text: String should have at most 10000 characters' rather than pydantic's full dump."""
    cause = error.__cause__
    if isinstance(cause, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in cause.errors())
    return str(error)
