"""Properties of segment() over generated transcripts: offsets always round-trip."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.segmentation import Segment, segment
from ingestion.transcripts import TranscriptError, parse_transcript

SPEAKERS = st.sampled_from(
    ["Maya Chen", "Jordan", "interviewer", "Interviewer", "P1", "Dr. Okafor"]
)
WORDS = st.sampled_from(
    ["yes", "no", "Dr.", "e.g.", "U.S.", "$3.50", "2.5%", "well...", '"why?"', "it", "the",
     "budget", "Yes.", "No!", "really?", "—", ";", ",", "and", "x" * 30, "Note:", "10:30"]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\t"])


@st.composite
def utterances(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=30))
    separators = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, separators, strict=True)).strip()


@st.composite
def turn_based_texts(draw: st.DrawFn) -> str:
    turns = draw(st.lists(st.tuples(SPEAKERS, utterances()), min_size=1, max_size=8))
    return "\n".join(f"{speaker}: {text}" for speaker, text in turns) + draw(
        st.sampled_from(["", "\n", "\n\n"])
    )


def assert_in_order_without_overlap(text: str, segments: list[Segment]) -> None:
    previous_end = 0
    for index, seg in enumerate(segments):
        assert seg.index == index
        assert seg.text.strip() == seg.text != ""
        assert text[seg.start_char : seg.end_char] == seg.text
        assert previous_end <= seg.start_char < seg.end_char
        previous_end = seg.end_char


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=turn_based_texts(), max_chars=st.integers(min_value=20, max_value=400))
def test_turn_based_segments_round_trip_in_order_without_overlap(text, max_chars):
    transcript = parse_transcript(text, "x.txt")
    segments = segment(transcript, max_chars=max_chars)
    assert_in_order_without_overlap(text, segments)
    spoken_words = [word for turn in transcript.turns for word in turn.text.split()]
    assert [word for seg in segments for word in seg.text.split()] == spoken_words


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="\r"), max_size=300))
def test_any_text_transcript_segments_round_trip(text):
    try:
        transcript = parse_transcript(text, "x.txt")
    except TranscriptError:
        return  # e.g. generated front matter that is not valid YAML: refused, not mis-cut
    if transcript.format in ("text", "plain"):
        assert_in_order_without_overlap(text, segment(transcript, max_chars=60))


@st.composite
def webvtt_files(draw: st.DrawFn) -> str:
    cues = draw(st.lists(st.tuples(SPEAKERS, utterances(), st.booleans()), min_size=1, max_size=6))
    blocks = [
        f"{n}\n00:00:{2 * n:02d}.000 --> 00:00:{2 * n + 1:02d}.500\n"
        + (f"<v {speaker}>{text}</v>" if tagged else f"{speaker}: {text}").replace("\n\n", "\n")
        for n, (speaker, text, tagged) in enumerate(cues)
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


@settings(max_examples=100, deadline=None)
@given(text=webvtt_files())
def test_subtitle_segments_point_at_original_text_holding_their_words_in_time_order(text):
    segments = segment(parse_transcript(text, "x.vtt"), max_chars=80)
    previous_end, previous_ms = 0, 0
    for seg in segments:
        original = text[seg.start_char : seg.end_char]
        assert original.startswith(seg.text.split()[0])
        assert original.endswith(seg.text.split()[-1])
        assert previous_end <= seg.start_char
        assert previous_ms <= seg.start_ms <= seg.end_ms
        previous_end, previous_ms = seg.end_char, seg.start_ms


@settings(max_examples=100, deadline=None)
@given(text=turn_based_texts())
def test_segmenting_is_deterministic(text):
    transcript = parse_transcript(text)
    assert segment(transcript) == segment(parse_transcript(text))
