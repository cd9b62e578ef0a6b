"""WebVTT and SubRip as Teams, Zoom and Otter export them."""

import re

import pytest

from ingestion.transcripts import Transcript, TranscriptError, Turn, parse_transcript
from ingestion.upload import decode_upload

TEAMS_VTT = """WEBVTT

NOTE
This file was exported by Microsoft Teams.

STYLE
::cue { color: white }

0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/12-0
00:00:01.000 --> 00:00:04.000
<v Maya Chen>Thanks for joining &amp; welcome.
I want to ask about</v>

0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/13-0
00:00:04.000 --> 00:00:06.000 align:start position:10%
<v Maya Chen>your budget &lt;screens&gt;.</v>

0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/14-0
00:07.000 --> 00:09.000
<v.loud Jordan Alvarez><i>Sure</i>, <c.yellow>happy</c> <00:00:08.000>to help.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:00.500 --> 00:00:03.000
Maya Chen: How long have you used the app?

2
00:00:03.500 --> 00:00:06.000
Jordan Alvarez: About a year and

3
00:00:06.000 --> 00:00:08.000
a half, maybe more.

4
00:00:09.000 --> 00:00:10.000
[inaudible]

5
00:00:10.000 --> 00:00:12.000
Maya Chen: Great, thanks.
"""

OTTER_SRT = """1
00:00:01,000 --> 00:00:04,000
Speaker 1: So tell me about
<i>your week.</i>

2
00:00:04,000 --> 00:00:06,500
Speaker 1: What happens on Sundays?

3
00:00:07,000 --> 00:00:09,000
{\\an8}Speaker 2: I do a <font color="#ff0000">real</font> review.
"""


def speakers_and_texts(transcript: Transcript) -> list[tuple[str | None, str]]:
    return [(turn.speaker, turn.text) for turn in transcript.turns]


def original_of(text: str, turn: Turn, phrase: str) -> str:
    start = turn.text.index(phrase)
    original_start, original_end = turn.original_span(start, start + len(phrase))
    return text[original_start:original_end]


def test_it_reads_teams_voice_tags_and_merges_a_speakers_consecutive_cues():
    transcript = parse_transcript(TEAMS_VTT, "meeting.vtt")
    assert transcript.format == "webvtt"
    assert speakers_and_texts(transcript) == [
        (
            "Maya Chen",
            "Thanks for joining & welcome. I want to ask about your budget <screens>.",
        ),
        ("Jordan Alvarez", "Sure, happy to help."),
    ]


def test_it_keeps_the_timing_of_merged_cues():
    maya, jordan = parse_transcript(TEAMS_VTT).turns
    assert (maya.start_ms, maya.end_ms) == (1000, 6000)
    assert (jordan.start_ms, jordan.end_ms) == (7000, 9000)  # hours are optional
    assert [(cue.start_ms, cue.end_ms) for cue in maya.cue_times] == [(1000, 4000), (4000, 6000)]


def test_it_maps_cleaned_cue_text_back_to_the_original():
    maya, jordan = parse_transcript(TEAMS_VTT).turns
    assert TEAMS_VTT[maya.start_char : maya.end_char].startswith("Thanks for joining &amp;")
    assert TEAMS_VTT[maya.start_char : maya.end_char].endswith("&lt;screens&gt;.")
    assert original_of(TEAMS_VTT, maya, "joining & welcome") == "joining &amp; welcome"
    assert original_of(TEAMS_VTT, maya, "<screens>") == "&lt;screens&gt;"
    assert original_of(TEAMS_VTT, jordan, "happy to") == "happy</c> <00:00:08.000>to"
    spanning = original_of(TEAMS_VTT, maya, "about your")
    assert spanning.startswith("about</v>\n\n0f1e2d3c")
    assert spanning.endswith("<v Maya Chen>your")


def test_it_reads_zoom_speaker_labels_in_cue_text():
    transcript = parse_transcript(ZOOM_VTT, "zoom.vtt")
    assert speakers_and_texts(transcript) == [
        ("Maya Chen", "How long have you used the app?"),
        ("Jordan Alvarez", "About a year and a half, maybe more."),
        (None, "[inaudible]"),
        ("Maya Chen", "Great, thanks."),
    ]


def test_it_continues_the_speaker_only_when_the_previous_cue_stopped_mid_sentence():
    turns = parse_transcript(ZOOM_VTT).turns
    assert turns[1].speaker == "Jordan Alvarez"  # "About a year and" / "a half, maybe more."
    assert turns[2].speaker is None  # "[inaudible]" after a finished sentence


def test_it_splits_a_cue_with_two_voices_and_shares_its_time():
    text = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Maya>Ready?</v> <v Jordan>Yes!!</v>\n"
    maya, jordan = parse_transcript(text).turns
    assert (maya.speaker, maya.text, maya.start_ms, maya.end_ms) == ("Maya", "Ready?", 0, 1090)
    assert (jordan.speaker, jordan.text, jordan.start_ms, jordan.end_ms) == (
        "Jordan",
        "Yes!!",
        1090,
        2000,
    )


def test_it_decodes_nbsp_as_a_space():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nA&nbsp;B &#233; &unknown; &\n"
    assert parse_transcript(text).turns[0].text == "A B é &unknown; &"


def test_it_reports_a_webvtt_block_without_a_timing_line():
    text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nHi.\n\n2\nno timing here\n"
    with pytest.raises(TranscriptError, match=r"line 8: expected a cue timing line"):
        parse_transcript(text, "x.vtt")


def test_it_reports_a_cue_that_ends_before_it_starts():
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHi.\n"
    with pytest.raises(TranscriptError, match=r"line 3: the cue ends before it starts"):
        parse_transcript(text)


def test_it_reports_an_identifier_with_nothing_after_it():
    with pytest.raises(TranscriptError, match=r"line 3: .*after the cue identifier"):
        parse_transcript("WEBVTT\n\nlonely-identifier\n")


def test_it_reads_otter_style_srt_with_labels_and_tags():
    transcript = parse_transcript(OTTER_SRT, "otter.srt")
    assert transcript.format == "srt"
    assert speakers_and_texts(transcript) == [
        ("Speaker 1", "So tell me about your week. What happens on Sundays?"),
        ("Speaker 2", "I do a real review."),
    ]
    first, second = transcript.turns
    assert (first.start_ms, first.end_ms, second.start_ms, second.end_ms) == (
        1000,
        6500,
        7000,
        9000,
    )
    assert original_of(OTTER_SRT, first, "about your") == "about\n<i>your"


def test_it_recognises_formats_by_content_whatever_the_file_is_called():
    assert parse_transcript(OTTER_SRT, "export.txt").format == "srt"
    assert parse_transcript(ZOOM_VTT, "export.srt").format == "webvtt"


def test_it_reads_crlf_srt_after_decoding():
    raw = OTTER_SRT.replace("\n", "\r\n").encode("utf-8-sig")
    text = decode_upload(raw, filename="otter.srt", max_bytes=10_000)
    assert speakers_and_texts(parse_transcript(text, "otter.srt")) == speakers_and_texts(
        parse_transcript(OTTER_SRT)
    )


def test_it_reports_an_srt_block_with_a_broken_timing_line():
    text = "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03 -> 00:00:04\nBye.\n"
    with pytest.raises(TranscriptError, match=r"line 6: expected a cue timing line like"):
        parse_transcript(text, "x.srt")


def test_it_refuses_an_srt_name_on_text_that_is_not_subrip():
    with pytest.raises(TranscriptError, match=r"named \.srt"):
        parse_transcript("Maya: hello\n", "x.srt")


def test_it_leaves_unlabelled_subtitles_without_a_speaker_in_one_turn():
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,000 --> 00:00:03,000\nHi.\n"
    )
    assert speakers_and_texts(parse_transcript(text)) == [(None, "Hello there. Hi.")]


@pytest.mark.parametrize("text", [TEAMS_VTT, ZOOM_VTT, OTTER_SRT])
def test_every_turn_maps_back_to_text_that_contains_its_words(text):
    for turn in parse_transcript(text).turns:
        original = text[turn.start_char : turn.end_char]
        for word in re.findall(r"[A-Za-z]+", turn.text):
            assert word in original
