"""Uploaded bytes to transcript text, or a refusal the user can act on
(docs/architecture.md, Ingestion).

The text returned is the reference for every character offset in the system: decoded from
UTF-8, a leading byte-order mark removed, and line endings normalised to LF (CRLF and lone CR
both become LF). Sentence offsets, turn offsets and anything shown "in context" point into
this text, never into the raw bytes.
"""


class RejectedUpload(ValueError):
    """Input we refuse, with a message fit to show the user as is."""


# Files people pick by mistake instead of the transcript; checked before anything else so the
# message names what they uploaded. Word documents are ZIP archives: recognised by content.
_MAGIC_AT_START = {
    b"%PDF-": "a PDF",
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Word or Excel document (.doc/.xls)",
    b"{\\rtf": "an RTF document",
    b"\x1f\x8b": "a gzip archive",
    b"ID3": "an MP3 audio file",
    b"fLaC": "a FLAC audio file",
    b"OggS": "an Ogg audio file",
    b"RIFF": "a WAV audio or AVI video file",
}
_MP4_MAGIC_AT_4 = b"ftyp"  # MP4 and M4A start with a box size, then "ftyp"
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_KINDS = ((b"word/", "a Word document (.docx)"), (b"xl/", "an Excel workbook (.xlsx)"))
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = "\ufeff"

# Text has tabs, line and form feeds; many other control bytes mean a binary file.
_BINARY_CONTROLS = bytes(b for b in [*range(0x20), 0x7F] if b not in b"\t\n\r\f")
_MAX_CONTROL_SHARE = 0.05
_MIB = 1024 * 1024


def check_size(size: int, *, filename: str, max_bytes: int) -> None:
    """Refuse an upload over the limit — callers holding only its size check before reading."""
    if size > max_bytes:
        raise RejectedUpload(
            f"{filename} is {describe_size(size)}, over the upload limit of"
            f" {describe_size(max_bytes)} (the INGEST_MAX_BYTES setting)."
        )


def decode_upload(raw: bytes, *, filename: str, max_bytes: int) -> str:
    """The upload as LF-normalised text; RejectedUpload says, naming the file, why it is not."""
    check_size(len(raw), filename=filename, max_bytes=max_bytes)
    if not raw.strip():
        raise RejectedUpload(f"{filename} is empty: there is no transcript text in it.")
    _refuse_binary(raw, filename)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise RejectedUpload(
            f"{filename} is not UTF-8 text: byte 0x{raw[e.start]:02X} at byte offset {e.start}"
            f" (line {line}) is not valid UTF-8. Save the transcript as UTF-8 and upload it again."
        ) from e
    text = text.removeprefix(_UTF8_BOM).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise RejectedUpload(f"{filename} is empty: there is no transcript text in it.")
    return text


def _refuse_binary(raw: bytes, filename: str) -> None:
    if kind := _looks_like(raw):
        raise RejectedUpload(f"{filename} looks like {kind}, not a text transcript.")
    if raw.startswith(_UTF16_BOMS):
        raise RejectedUpload(
            f"{filename} is UTF-16 text; save the transcript as UTF-8 and upload it again."
        )
    if b"\x00" in raw:
        raise RejectedUpload(f"{filename} looks like a binary file (it contains NUL bytes).")
    controls = len(raw) - len(raw.translate(None, _BINARY_CONTROLS))
    if controls > _MAX_CONTROL_SHARE * len(raw):
        raise RejectedUpload(
            f"{filename} looks like a binary file ({controls} control characters), not text."
        )


def _looks_like(raw: bytes) -> str | None:
    if kind := next(
        (kind for magic, kind in _MAGIC_AT_START.items() if raw.startswith(magic)), None
    ):
        return kind
    if raw[4:8] == _MP4_MAGIC_AT_4:
        return "an MP4/M4A audio or video file"
    if raw.startswith(_ZIP_MAGIC):
        head = raw[:4096]
        return next((kind for marker, kind in _ZIP_KINDS if marker in head), "a ZIP archive")
    return None


def describe_size(size: int) -> str:
    """A size as every 413 of the product says it: exact bytes, then binary megabytes (the
    default limit, INGEST_MAX_BYTES, is 5 MiB)."""
    return f"{size:,} bytes ({size / _MIB:.1f} MiB)"
