"""Text with a map back to where each character came from in the original.

Subtitle text is not a verbatim stretch of the file: tags and entities are removed or decoded,
line breaks read as spaces and cues joined across their timing lines. A MappedText carries the
cleaned text together with Pieces saying which original characters each stretch stands for, so
a sentence found in the cleaned text can still be pointed at in the file.
"""

from dataclasses import dataclass, field

from ingestion.transcripts.model import Piece


@dataclass(frozen=True)
class MappedText:
    text: str
    pieces: tuple[Piece, ...]

    @property
    def original_start(self) -> int:
        return self.pieces[0].original_start

    @property
    def original_end(self) -> int:
        return self.pieces[-1].original_end

    def sliced(self, start: int, end: int | None = None) -> "MappedText":
        """text[start:end] with its pieces cut to match (positional pieces are cut exactly)."""
        end = len(self.text) if end is None else end
        builder = MappedTextBuilder()
        for piece in self.pieces:
            lo, hi = max(start, piece.text_start), min(end, piece.text_end)
            if lo >= hi:
                continue
            if piece.is_positional:
                shift = piece.original_start - piece.text_start
                builder.copy(lo + shift, self.text[lo:hi])
            else:
                builder.replace(piece.original_start, piece.original_end, self.text[lo:hi])
        return builder.build()

    def stripped(self) -> "MappedText":
        start = len(self.text) - len(self.text.lstrip())
        return self.sliced(start, len(self.text.rstrip()))


@dataclass
class MappedTextBuilder:
    """Appends copied or replaced stretches, merging neighbouring copies into one piece."""

    _parts: list[str] = field(default_factory=list)
    _pieces: list[Piece] = field(default_factory=list)
    _length: int = 0

    def copy(self, original_start: int, text: str) -> None:
        """Append `text`, which stands at `original_start` in the original, character for
        character (a line break may be copied as a space: same length, same place)."""
        last = self._pieces[-1] if self._pieces else None
        if last and last.is_positional and last.original_end == original_start:
            self._pieces[-1] = last._replace(
                text_end=last.text_end + len(text), original_end=original_start + len(text)
            )
            self._append_text(text)
        else:
            self._add(Piece(self._length, 0, original_start, original_start + len(text)), text)

    def replace(self, original_start: int, original_end: int, text: str) -> None:
        """Append `text`, which stands for the whole of original[original_start:original_end]."""
        self._add(Piece(self._length, 0, original_start, original_end), text)

    def extend(self, other: MappedText) -> None:
        for piece in other.pieces:
            chunk = other.text[piece.text_start : piece.text_end]
            if piece.is_positional:
                self.copy(piece.original_start, chunk)
            else:
                self.replace(piece.original_start, piece.original_end, chunk)

    def __len__(self) -> int:
        return self._length

    def build(self) -> MappedText:
        return MappedText("".join(self._parts), tuple(self._pieces))

    def _add(self, piece: Piece, text: str) -> None:
        if text:
            self._pieces.append(piece._replace(text_end=self._length + len(text)))
            self._append_text(text)

    def _append_text(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)
