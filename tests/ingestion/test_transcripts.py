"""Text transcripts: front matter, `Speaker: text` turns, and prose that is not a dialogue."""

import datetime
import json
from pathlib import Path

import pytest

from ingestion.transcripts import Transcript, TranscriptError, parse_transcript
from ingestion.upload import decode_upload

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def assert_turns_are_verbatim(text: str, transcript: Transcript) -> None:
    for turn in transcript.turns:
        assert text[turn.start_char : turn.end_char] == turn.text


def labelled(transcript: Transcript) -> list[tuple[str | None, str]]:
    return [(turn.speaker, turn.text) for turn in transcript.turns]


@pytest.mark.parametrize(
    ("name", "turns", "speakers"),
    [
        ("user_interview_mature.txt", 64, ("Maya Chen", "Jordan Alvarez")),
        (
            "team_meeting_mature.txt",
            47,
            ("Maya Chen", "Priya Nandan", "Ravi Okafor", "Sam Lindqvist"),
        ),
        (
            "stakeholder_review_mixed.txt",
            69,
            ("Jordan Alvarez", "Priya Nandan", "Interviewer", "Guest"),
        ),
    ],
)
def test_it_reads_the_sample_transcripts_as_stated_in_their_readme(name, turns, speakers):
    path = SAMPLES / name
    text = decode_upload(path.read_bytes(), filename=name, max_bytes=10**7)
    transcript = parse_transcript(text, name)
    assert transcript.format == "text"
    assert len(transcript.turns) == turns
    assert transcript.speakers == speakers
    assert transcript.metadata.title
    assert transcript.metadata.project.startswith("ledgerline-")
    assert isinstance(transcript.metadata.recorded_on, datetime.date)
    assert_turns_are_verbatim(text, transcript)


def test_it_parses_speaker_turns_with_exact_offsets():
    text = "Maya Chen: Hello there.\nJordan Alvarez:   Hi!  \n"
    transcript = parse_transcript(text, "x.txt")
    assert transcript.format == "text"
    assert labelled(transcript) == [("Maya Chen", "Hello there."), ("Jordan Alvarez", "Hi!")]
    assert transcript.turns[1].start_char == text.index("Hi!")
    assert_turns_are_verbatim(text, transcript)


@pytest.mark.parametrize(
    "label", ["Interviewer", "Guest", "P1", "Speaker 2", "Dr. Okafor", "Jean-Luc O'Brien"]
)
def test_it_recognises_name_like_labels(label):
    transcript = parse_transcript(f"{label}: Hello.\nMaya: Hi.\n")
    assert transcript.turns[0].speaker == label


def test_it_treats_unlabelled_lines_as_continuations_of_the_previous_turn():
    text = "Maya: First line of my answer\nstill my answer.\n\nA second paragraph.\nJordan: Ok."
    transcript = parse_transcript(text)
    assert labelled(transcript) == [
        ("Maya", "First line of my answer\nstill my answer.\n\nA second paragraph."),
        ("Jordan", "Ok."),
    ]
    assert_turns_are_verbatim(text, transcript)


def test_it_gives_text_before_the_first_label_no_speaker():
    transcript = parse_transcript("Recorded on Zoom.\nMaya: Hi.\nJordan: Hello.\nMaya: Bye.")
    assert labelled(transcript)[0] == (None, "Recorded on Zoom.")


def test_it_starts_a_turn_on_the_next_line_when_the_label_stands_alone():
    text = "Maya:\n  What do you use?\nJordan: A spreadsheet."
    transcript = parse_transcript(text)
    assert labelled(transcript) == [("Maya", "What do you use?"), ("Jordan", "A spreadsheet.")]
    assert_turns_are_verbatim(text, transcript)


def test_it_spells_labels_differing_only_by_case_as_first_seen():
    transcript = parse_transcript("Interviewer: Hi.\nGuest: Hello.\ninterviewer: Ready?\n")
    assert [turn.speaker for turn in transcript.turns] == ["Interviewer", "Guest", "Interviewer"]
    assert transcript.speakers == ("Interviewer", "Guest")


def test_it_spells_speakers_as_the_front_matter_participants_do():
    text = "---\nparticipants: Maya Chen, Jordan Alvarez\n---\nmaya  chen: Hi.\nJORDAN ALVAREZ: Yo."
    transcript = parse_transcript(text)
    assert [turn.speaker for turn in transcript.turns] == ["Maya Chen", "Jordan Alvarez"]


def test_it_lists_participants_first_then_other_speakers_in_order_of_appearance():
    text = "---\nparticipants: [Maya Chen]\n---\nGuest: Hi.\nMaya Chen: Hello.\nP2: Hey."
    assert parse_transcript(text).speakers == ("Maya Chen", "Guest", "P2")


def test_it_does_not_turn_prose_with_a_stray_note_into_a_dialogue():
    text = (
        "We met the team on Tuesday and walked through the new budget screens.\n"
        "Note: the meeting ran late\n"
        "Most people liked the progress bars, but some found them confusing.\n"
        "Time: 10:30\n"
        "\n"
        "The second session focused on categorisation problems.\n"
        "Several users said they correct the same merchant every month.\n"
    )
    transcript = parse_transcript(text, "notes.txt")
    assert transcript.format == "plain"
    assert [turn.speaker for turn in transcript.turns] == [None, None]
    assert transcript.turns[0].text.startswith("We met the team")
    assert transcript.turns[0].text.endswith("Time: 10:30")
    assert_turns_are_verbatim(text, transcript)


def test_it_does_not_take_a_lower_case_phrase_before_a_colon_for_a_speaker():
    text = "Maya: Here is the thing\nthe main point: it breaks.\nJordan: Agreed.\nMaya: Ok."
    assert labelled(parse_transcript(text))[0] == (
        "Maya",
        "Here is the thing\nthe main point: it breaks.",
    )


def test_it_gives_an_annotation_line_in_a_dialogue_no_speaker():
    text = "Maya: Shall we start?\nNote: recording started late\nJordan: Sure."
    assert labelled(parse_transcript(text)) == [
        ("Maya", "Shall we start?"),
        (None, "Note: recording started late"),
        ("Jordan", "Sure."),
    ]


def test_it_recognises_dialogue_whose_turns_span_several_lines():
    text = "\n".join(
        f"{speaker}: opening line of turn {n}\nmore words\nand more words\nand even more"
        for n, speaker in enumerate(["Maya", "Jordan"] * 3)
    )
    transcript = parse_transcript(text)
    assert transcript.format == "text"
    assert len(transcript.turns) == 6


def test_it_makes_paragraphs_of_unlabelled_text():
    text = "\n\nFirst paragraph,\nwrapped.\n\n\n  Second paragraph.  \n"
    transcript = parse_transcript(text, "essay.md")
    assert transcript.format == "plain"
    assert labelled(transcript) == [
        (None, "First paragraph,\nwrapped."),
        (None, "Second paragraph."),
    ]
    assert_turns_are_verbatim(text, transcript)


def test_it_reads_front_matter_fields():
    text = (
        "---\n"
        "title: Budget interview\n"
        "project: ledgerline-ux\n"
        "date: 2026-03-12\n"
        "participants:\n  - Maya Chen\n  - Jordan Alvarez\n"
        "interviewer_notes: {mood: good, tags: [a, b]}\n"
        "reviewed: 2026-03-13\n"
        "---\n"
        "Maya Chen: Hi."
    )
    transcript = parse_transcript(text)
    metadata = transcript.metadata
    assert metadata.title == "Budget interview"
    assert metadata.project == "ledgerline-ux"
    assert metadata.recorded_on == datetime.date(2026, 3, 12)
    assert metadata.participants == ("Maya Chen", "Jordan Alvarez")
    assert dict(metadata.extra) == {
        "interviewer_notes": {"mood": "good", "tags": ["a", "b"]},
        "reviewed": "2026-03-13",
    }
    json.dumps(dict(metadata.extra))
    assert transcript.turns[0].start_char == text.index("Hi.")


def test_it_accepts_a_quoted_date_string():
    text = '---\ndate: "2026-03-12"\n---\nMaya: Hi.'
    assert parse_transcript(text).metadata.recorded_on == datetime.date(2026, 3, 12)


def test_it_keeps_a_date_that_is_not_a_date_in_extra():
    metadata = parse_transcript("---\ndate: spring 2026\n---\nMaya: Hi.").metadata
    assert metadata.recorded_on is None
    assert metadata.extra == {"date": "spring 2026"}


def test_it_reads_empty_front_matter_as_no_metadata():
    transcript = parse_transcript("---\n---\nMaya: Hi.")
    assert transcript.metadata.title is None
    assert labelled(transcript) == [("Maya", "Hi.")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "---\ntitle: ok\nparticipants: [Maya, Jordan\n---\nMaya: Hi.",
            r"line 3: front matter is not valid YAML",
            id="unclosed-list",
        ),
        pytest.param(
            "---\nproject: p\ntitle: Budget: the sequel\n---\nMaya: Hi.",
            r"line 3: front matter is not valid YAML",
            id="misplaced-colon",
        ),
        pytest.param(
            "---\ntitle: Budget interview\nMaya: Hi.\n", r"line 1: .*never closed", id="unclosed"
        ),
        pytest.param("---\n- a\n- b\n---\nMaya: Hi.", r"line 2: .*key: value", id="not-a-mapping"),
        pytest.param(
            "---\ntitle: x\nparticipants: {maya: host}\n---\nMaya: Hi.",
            r"line 3: .*participants",
            id="participants-not-names",
        ),
    ],
)
def test_it_reports_bad_front_matter_with_its_line(text, message):
    with pytest.raises(TranscriptError, match=message):
        parse_transcript(text)


def test_it_returns_no_turns_for_front_matter_without_a_body():
    assert parse_transcript("---\ntitle: x\n---\n").turns == ()


def test_it_refuses_a_vtt_name_on_text_that_is_not_webvtt():
    with pytest.raises(TranscriptError, match=r"named \.vtt but does not look like WebVTT"):
        parse_transcript("Maya: Hi.\n", "call.vtt")


def test_it_reads_crlf_uploads_after_decoding():
    raw = b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nMaya: One.\r\nJordan: Two.\r\n"
    text = decode_upload(raw, filename="x.txt", max_bytes=1000)
    transcript = parse_transcript(text, "x.txt")
    assert transcript.metadata.title == "T"
    assert labelled(transcript) == [("Maya", "One."), ("Jordan", "Two.")]
    assert_turns_are_verbatim(text, transcript)
