"""segment(): sentences with speaker, offsets into the original text and interpolated times."""

import re
from pathlib import Path

import pysbd
import pytest

from ingestion import segmentation
from ingestion.segmentation import Segment, segment, sentence_spans
from ingestion.transcripts import parse_transcript
from ingestion.upload import decode_upload

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SAMPLE_NAMES = [
    "user_interview_mature.txt",
    "team_meeting_mature.txt",
    "stakeholder_review_mixed.txt",
]


def sentences(text: str, **options: int) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, **options)]


def segments_of(text: str, filename: str = "x.txt", **options: int) -> list[Segment]:
    return segment(parse_transcript(text, filename), **options)


def assert_offsets_round_trip(text: str, segments: list[Segment]) -> None:
    previous_end = 0
    for index, seg in enumerate(segments):
        assert seg.index == index
        assert seg.text == seg.text.strip() != ""
        assert text[seg.start_char : seg.end_char] == seg.text
        assert seg.start_char >= previous_end
        previous_end = seg.end_char


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_sentences_point_exactly_into_the_uploaded_text(name):
    text = decode_upload((SAMPLES / name).read_bytes(), filename=name, max_bytes=10**7)
    transcript = parse_transcript(text, name)
    segments = segment(transcript)
    assert len(segments) > len(transcript.turns)
    assert_offsets_round_trip(text, segments)
    assert {seg.speaker for seg in segments} == set(transcript.speakers)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Dr. Okafor met the U.S. team, e.g. Priya and Sam. It went well.",
            ["Dr. Okafor met the U.S. team, e.g. Priya and Sam.", "It went well."],
            id="abbreviations",
        ),
        pytest.param(
            "It cost $3.50 and rose 2.5% in a week. That is a lot.",
            ["It cost $3.50 and rose 2.5% in a week.", "That is a lot."],
            id="decimals-and-prices",
        ),
        pytest.param(
            "I want to say... a year and a half? Maybe close to two years now.",
            ["I want to say... a year and a half?", "Maybe close to two years now."],
            id="ellipsis",
        ),
        pytest.param(
            'He said "why?" and left. She said "Go now." Then she left.',
            ['He said "why?" and left.', 'She said "Go now."', "Then she left."],
            id="quotes",
        ),
    ],
)
def test_it_ends_sentences_only_where_a_reader_would(text, expected):
    assert sentences(text) == expected


def test_it_finds_repeated_sentences_at_their_own_offsets():
    text = "Yes. Yes.  Yes.\nNo. Yes."
    assert sentence_spans(text) == [(0, 4), (5, 9), (11, 15), (16, 19), (20, 24)]


def test_it_reads_a_single_line_break_as_a_space_but_ends_sentences_at_blank_lines():
    assert sentences(
        "a sentence that was\nhard wrapped. and a paragraph without a stop\n\nNext"
    ) == [
        "a sentence that was\nhard wrapped.",
        "and a paragraph without a stop",
        "Next",
    ]


def test_it_never_lets_a_sentence_cross_a_speaker_turn():
    segments = segments_of("Maya: I was thinking that\nJordan: the budget is fine.")
    assert [(seg.speaker, seg.text) for seg in segments] == [
        ("Maya", "I was thinking that"),
        ("Jordan", "the budget is fine."),
    ]


RUN_ON = (
    "So we started with the spreadsheet and it was fine for a while, but then the team grew "
    "and we had more categories, and every month somebody had to copy the numbers over by hand; "
    "that took hours and nobody wanted to do it, so we looked around for tools and tried three "
    "of them, and the first one was too expensive, the second one did not sync with our bank at "
    "all — so in the end we built our own little script that sort of works but breaks every time"
)


def test_it_splits_run_on_speech_at_clause_boundaries_into_pieces_within_the_limit():
    pieces = sentences(RUN_ON, max_chars=150)
    assert len(pieces) > 1
    assert all(len(piece) <= 150 for piece in pieces)
    assert " ".join(pieces).split() == RUN_ON.split()  # every word kept, none cut in two
    assert pieces[0].endswith(",") or pieces[0].endswith(";")
    assert all(re.search(r"[;,—]$", piece) for piece in pieces[:-1])


def test_it_prefers_a_semicolon_to_a_comma_near_the_middle():
    text = "alpha beta gamma, delta epsilon zeta; eta theta iota, kappa lambda mu"
    assert sentences(text, max_chars=50) == [
        "alpha beta gamma, delta epsilon zeta;",
        "eta theta iota, kappa lambda mu",
    ]


def test_it_cuts_before_a_conjunction_rather_than_at_a_plain_comma():
    text = "one two three four, five six seven, and eight nine ten eleven twelve"
    assert sentences(text, max_chars=40)[0] == "one two three four, five six seven,"


def test_it_falls_back_to_a_space_near_the_middle_when_there_is_no_clause_boundary():
    text = " ".join(f"word{n}" for n in range(40))
    pieces = sentences(text, max_chars=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert " ".join(pieces) == text


def test_it_leaves_a_single_overlong_word_whole():
    word = "x" * 500
    assert sentences(f"Maya said {word}", max_chars=100)[-1].endswith(word)


def test_it_numbers_segments_across_the_whole_transcript():
    segments = segments_of("Maya: One. Two.\nJordan: Three.\nMaya: Four.")
    assert [(seg.index, seg.text) for seg in segments] == [
        (0, "One."),
        (1, "Two."),
        (2, "Three."),
        (3, "Four."),
    ]


def test_it_gives_the_same_segments_every_time():
    text = (SAMPLES / "stakeholder_review_mixed.txt").read_text(encoding="utf-8")
    first = segments_of(text)
    segmentation._segmenter.cache_clear()
    assert segments_of(text) == first
    assert segments_of(text) == first


VTT = """WEBVTT

1
00:00:10.000 --> 00:00:20.000
Maya Chen: One two three. Four five six.

2
00:00:20.000 --> 00:00:30.000
Maya Chen: Seven eight nine ten.
"""


def test_it_interpolates_sentence_times_within_and_across_cues():
    segments = segments_of(VTT, "call.vtt")
    assert [(seg.text, seg.start_ms, seg.end_ms) for seg in segments] == [
        ("One two three.", 10_000, 14_827),  # 14 of 29 characters into a 10 s cue
        ("Four five six.", 15_172, 20_000),
        ("Seven eight nine ten.", 20_000, 30_000),
    ]


def test_subtitle_sentences_point_at_their_cues_in_the_original():
    segments = segments_of(VTT, "call.vtt")
    assert VTT[segments[1].start_char : segments[1].end_char] == "Four five six."
    assert VTT[segments[2].start_char : segments[2].end_char] == "Seven eight nine ten."


def test_a_sentence_split_across_cues_is_one_segment_spanning_both():
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Maya>I have been using it</v>\n\n"
        "00:00:02.000 --> 00:00:04.000\n<v Maya>for two years.</v>\n"
    )
    (only,) = segments_of(text)
    assert only.text == "I have been using it for two years."
    assert (only.start_ms, only.end_ms) == (0, 4000)
    assert text[only.start_char : only.end_char].startswith("I have been using it</v>")
    assert text[only.start_char : only.end_char].endswith("<v Maya>for two years.")


def test_text_sentences_have_no_times():
    (only,) = segments_of("Maya: Hello.")
    assert (only.start_ms, only.end_ms) == (None, None)


def test_it_finds_the_same_sentences_in_a_long_monologue_as_pysbd_reading_it_whole():
    sentence_kinds = [
        "Dr. Okafor paid $3.50 for the U.S. edition, e.g. the cheap one.",
        'She asked "why?" and I said... well, nothing.',
        "We tried it for 2.5 weeks!",
        "Did it work?",
    ]
    text = " ".join(sentence_kinds[n % 4] + f" Point {n}." for n in range(200))
    assert len(text) > 3 * segmentation._PYSBD_WINDOW
    whole = pysbd.Segmenter(language="en", clean=False).segment(text)
    assert sentences(text, max_chars=10_000) == [s.strip() for s in whole if s.strip()]


def test_it_keeps_a_sentence_longer_than_pysbds_window_whole():
    long_sentence = "and then " * (segmentation._PYSBD_WINDOW // 4) + "we stopped."
    text = f"First. {long_sentence} Last."
    assert sentences(text, max_chars=10**6) == ["First.", long_sentence, "Last."]
