"""Cue text markup: voice tags name the speaker, other tags go, entities are decoded.

Handles what Zoom, Teams and Otter put in cue text: `<v Maya Chen>` / `<v.loud Maya>` voice
spans (Teams), `<c>`, `<i>`, `<b>`, `<u>`, `<font …>`, karaoke timestamps `<00:00:01.000>`, SRT
position overrides `{\\an8}`, and the entities WebVTT requires for `&`, `<` and `>`.
"""

import html
import re
from dataclasses import dataclass

from ingestion.transcripts.mapped_text import MappedText, MappedTextBuilder

# A tag starts with a letter, a digit (timestamp tags) or "/"; "a < b" is text, not a tag.
_MARKUP = re.compile(
    r"<(?P<tag>/?[A-Za-z0-9][^<>\n]*)>"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
    r"|\{\\[^{}\n]*\}"
)
_VOICE_OPEN = re.compile(r"v(?:\.[^\s>]*)?[ \t]+(?P<name>.+)")
_VOICE_CLOSE = "/v"


@dataclass(frozen=True)
class Voiced:
    """A stretch of cue text and the speaker its voice tag names (None if it has none)."""

    speaker: str | None
    text: MappedText


@dataclass(frozen=True)
class PayloadLine:
    start: int  # offset of the line in the original text
    text: str


def read_payload(lines: list[PayloadLine]) -> list[Voiced]:
    """The cue's spoken text, split where a voice tag changes the speaker; blank parts dropped."""
    reader = _PayloadReader()
    for number, line in enumerate(lines):
        if number:
            reader.builder.copy(line.start - 1, " ")  # the line break, read as a space
        position = 0
        for match in _MARKUP.finditer(line.text):
            reader.builder.copy(line.start + position, line.text[position : match.start()])
            reader.markup(match, offset=line.start)
            position = match.end()
        reader.builder.copy(line.start + position, line.text[position:])
    return reader.finish()


class _PayloadReader:
    def __init__(self) -> None:
        self.builder = MappedTextBuilder()
        self.speaker: str | None = None
        self.voiced: list[Voiced] = []

    def markup(self, match: re.Match[str], *, offset: int) -> None:
        if match["entity"]:
            decoded = html.unescape(match["entity"]).replace("\N{NO-BREAK SPACE}", " ")
            self.builder.replace(offset + match.start(), offset + match.end(), decoded)
            return
        tag = (match["tag"] or "").strip()
        if voice := _VOICE_OPEN.fullmatch(tag):
            self._start_voice(voice["name"].strip())
        elif tag == _VOICE_CLOSE:
            self._start_voice(None)

    def _start_voice(self, speaker: str | None) -> None:
        self._flush()
        self.speaker = speaker

    def _flush(self) -> None:
        text = self.builder.build().stripped()
        if text.text:
            self.voiced.append(Voiced(self.speaker, text))
        self.builder = MappedTextBuilder()

    def finish(self) -> list[Voiced]:
        self._flush()
        return self.voiced
