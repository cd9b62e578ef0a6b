"""What WebVTT and SubRip share: blank-line separated blocks, timing lines, cues into turns.

Cues are short (a few seconds), so one sentence often runs over several of them. Consecutive
cues of the same speaker are merged into one turn, joined by a space, with each cue's timing
kept (`Turn.cue_times`) so a sentence's time can be interpolated from its position.

Who speaks a cue: a voice tag (`<v Maya Chen>`, Teams), else a `Name:` label at the start of
its text (Zoom, Otter), judged like labels in text transcripts. A cue with neither is left
without a speaker, except when the previous cue stopped mid-sentence (no closing . ? ! …):
then it is the same person still talking, whichever exporter split the sentence.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingestion.transcripts.mapped_text import MappedText, MappedTextBuilder
from ingestion.transcripts.markup import PayloadLine, Voiced, read_payload
from ingestion.transcripts.model import CueTime, TranscriptError, Turn
from ingestion.transcripts.speakers import LabelJudge, SpeakerNames, find_label

_SENTENCE_END = re.compile(r"[.?!\u2026][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True)
class SourceLine:
    number: int  # 1-based, for error messages
    start: int  # offset in the original text
    text: str


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    payload: tuple[SourceLine, ...]


@dataclass(frozen=True)
class _Utterance:
    """Part of a cue spoken by one voice, with its share of the cue's time."""

    speaker: str | None
    text: MappedText
    start_ms: int
    end_ms: int


def blocks(text: str) -> Iterator[list[SourceLine]]:
    """Runs of non-blank lines; blank lines (spaces only) separate them."""
    block: list[SourceLine] = []
    position = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            block.append(SourceLine(number, position, line))
        elif block:
            yield block
            block = []
        position += len(line) + 1
    if block:
        yield block


def read_timing(line: SourceLine, timestamp: str, example: str) -> tuple[int, int]:
    """Start and end in milliseconds from `<timestamp> --> <timestamp> [settings]`.

    `timestamp` is a regex with groups hours (optional), minutes, seconds, fraction.
    """
    match = re.match(rf"\s*{timestamp}[ \t]+-->[ \t]+{timestamp}(?:[ \t].*)?$", line.text)
    if match is None:
        raise TranscriptError(
            f"expected a cue timing line like '{example}', found '{line.text.strip()}'",
            line=line.number,
        )
    start_ms, end_ms = _milliseconds(match.groups()[:4]), _milliseconds(match.groups()[4:])
    if end_ms < start_ms:
        raise TranscriptError("the cue ends before it starts", line=line.number)
    return start_ms, end_ms


def _milliseconds(parts: tuple[str | None, ...]) -> int:
    hours, minutes, seconds, fraction = parts
    whole_seconds = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return whole_seconds * 1000 + int((fraction or "0").ljust(3, "0")[:3])


def turns_from_cues(cues: list[Cue], *, participants: tuple[str, ...]) -> tuple[Turn, ...]:
    utterances = [u for cue in cues for u in _utterances(cue)]
    labels = [label for u in utterances if u.speaker is None and (label := find_label(u.text.text))]
    judge = LabelJudge.of(labels, participants=participants)
    names = SpeakerNames(participants)
    attributed = _attribute(utterances, judge, names)
    runs: list[list[_Utterance]] = []
    for utterance in attributed:
        if runs and runs[-1][-1].speaker == utterance.speaker:
            runs[-1].append(utterance)
        else:
            runs.append([utterance])
    return tuple(_turn(run) for run in runs)


def _utterances(cue: Cue) -> Iterator[_Utterance]:
    """The cue's voices, its time shared between them by their length in characters."""
    voiced: list[Voiced] = read_payload([PayloadLine(ln.start, ln.text) for ln in cue.payload])
    total = sum(len(v.text.text) for v in voiced)
    duration, done = cue.end_ms - cue.start_ms, 0
    for voice in voiced:
        start_ms = cue.start_ms + done * duration // total
        done += len(voice.text.text)
        yield _Utterance(
            voice.speaker, voice.text, start_ms, cue.start_ms + done * duration // total
        )


def _attribute(
    utterances: list[_Utterance], judge: LabelJudge, names: SpeakerNames
) -> list[_Utterance]:
    attributed: list[_Utterance] = []
    for utterance in utterances:
        speaker, text = utterance.speaker, utterance.text
        label = find_label(text.text) if speaker is None else None
        if label and judge.names_speaker(label) and label.text_start < len(text.text):
            speaker, text = label.name, text.sliced(label.text_start).stripped()
        elif speaker is None and attributed and _stops_mid_sentence(attributed[-1]):
            speaker = attributed[-1].speaker
        speaker = names.canonical(speaker) if speaker else None
        attributed.append(_Utterance(speaker, text, utterance.start_ms, utterance.end_ms))
    return attributed


def _stops_mid_sentence(utterance: _Utterance) -> bool:
    return _SENTENCE_END.search(utterance.text.text) is None


def _turn(run: list[_Utterance]) -> Turn:
    builder = MappedTextBuilder()
    cue_times: list[CueTime] = []
    for number, utterance in enumerate(run):
        if number:  # one space stands for everything between the two cues' texts
            builder.replace(run[number - 1].text.original_end, utterance.text.original_start, " ")
        text_start = len(builder)
        builder.extend(utterance.text)
        cue_times.append(
            CueTime(
                text_start,
                text_start + len(utterance.text.text),
                utterance.start_ms,
                utterance.end_ms,
            )
        )
    text = builder.build()
    return Turn(
        speaker=run[0].speaker,
        text=text.text,
        start_char=text.original_start,
        end_char=text.original_end,
        start_ms=run[0].start_ms,
        end_ms=run[-1].end_ms,
        pieces=text.pieces,
        cue_times=tuple(cue_times),
    )
