import json
import signal
import subprocess
import sys
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis.fake_openai import FakeOpenAIServer
from events.wiring import get_event_store
from tests.ingestion.conftest import REPO
from tests.ingestion.helpers import SAMPLE_FILES, SAMPLES

pytestmark = pytest.mark.django_db


def ingest(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ingest_failing(*args: str) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(failure.value)


def test_it_prints_one_line_per_file_with_the_interview_id():
    out, _ = ingest(*map(str, SAMPLE_FILES), "--project", "ledgerline")
    lines = out.splitlines()
    assert len(lines) == len(SAMPLE_FILES)
    store = get_event_store()
    for line, path in zip(lines, SAMPLE_FILES, strict=True):
        interview_id, status, count, _, name = line.split()[:5]
        assert status == "analyzed"
        assert name == str(path)
        created = store.read_stream(f"Interview-{interview_id}")[0]
        assert created.data["source_filename"] == path.name
        sentences = [
            e
            for e in store.read_all()
            if e.event_type == "SentenceCreated" and e.data["interview_id"] == interview_id
        ]
        assert len(sentences) == int(count)


def test_the_project_comes_from_the_front_matter_when_not_given():
    ingest(str(SAMPLES / "stakeholder_review_mixed.txt"))
    [project] = get_event_store().read_all(filter=None, limit=1)
    assert project.event_type == "ProjectCreated"
    assert project.data["slug"] == "ledgerline-team"  # the sample's `project:`


def test_running_it_twice_reports_the_file_as_already_ingested():
    first, _ = ingest(str(SAMPLE_FILES[1]), "--project", "team")
    second, _ = ingest(str(SAMPLE_FILES[1]), "--project", "team")
    assert second.split()[0] == first.split()[0]
    assert "(already ingested)" in second


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"Maya: caf\xe9 au lait, please.\n", "UTF-8"),
        (b"WEBVTT\n\n", "no sentences"),
    ],
    ids=["empty", "blank", "pdf", "png", "latin-1", "no-sentences"],
)
def test_bad_files_are_refused_with_a_message_and_nothing_written(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out, err, failure = ingest_failing(str(bad), "--project", "demo")
    assert f"{bad}: not ingested:" in err
    assert message in err
    assert failure == "1 of 1 file(s) not ingested"
    assert out == ""
    assert get_event_store().head_position() == 0


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.INGEST_MAX_BYTES = 1000
    big = tmp_path / "big.txt"
    big.write_text("Maya: We track it all in Jira. " * 40)
    _, err, _ = ingest_failing(str(big), "--project", "demo")
    assert "INGEST_MAX_BYTES" in err
    assert get_event_store().head_position() == 0


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out, err, failure = ingest_failing(str(empty), str(SAMPLE_FILES[0]), "--project", "demo")
    assert "empty.txt: not ingested" in err
    assert out.split()[1] == "analyzed"
    assert failure == "1 of 2 file(s) not ingested"


def test_a_missing_file_is_reported(tmp_path):
    _, err, _ = ingest_failing(str(tmp_path / "nope.txt"), "--project", "demo")
    assert "cannot read the file" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a.txt", "b.txt", "--title", "X", "--project", "p"], "--title names one interview"),
        (["a.txt", "--project", "Not A Slug"], "is not a slug"),
    ],
)
def test_bad_options_are_refused_before_any_work(args, message):
    with pytest.raises(CommandError, match=message):
        ingest(*args)
    assert get_event_store().head_position() == 0


def test_a_file_without_a_project_is_refused(tmp_path):
    plain = tmp_path / "notes.txt"
    plain.write_text("Maya: We track it all in Jira.\nSam: Same here.\n")
    _, err, _ = ingest_failing(str(plain))
    assert "no project" in err


def test_an_unknown_analyzer_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        ingest(str(SAMPLE_FILES[0]), "--analyzer", "gpt-magic")


def events_in(manage) -> list[dict]:
    tail = manage("events", "tail", "--json", check=True)
    return [json.loads(line) for line in tail.stdout.splitlines()]


@pytest.mark.django_db(transaction=True)  # the children must see what they commit
def test_a_killed_ingest_is_completed_by_running_it_again(manage_process):
    """SIGKILL half-way through analysis; the second run adds exactly what was missing."""
    env, manage = manage_process
    sample = SAMPLE_FILES[0]
    with FakeOpenAIServer(latency=0.05) as fake:
        child_env = {**env, **fake_openai_env(fake)}
        command = [sys.executable, "manage.py", "ingest", str(sample), "--project", "ux"]
        child = subprocess.Popen(command, cwd=REPO, env=child_env, stdout=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(fake.requests) < 20 and time.monotonic() < deadline:
            assert child.poll() is None, "the ingest ended before it could be killed"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL

        half = events_in(manage)
        analysed_before = type_counts_json(half)["AnalysisGenerated"]
        sentences = type_counts_json(half)["SentenceCreated"]
        assert 0 < analysed_before < sentences

        again = manage(
            "ingest", str(sample), "--project", "ux", extra_env=fake_openai_env(fake)
        )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "(resumed)" in again.stdout

    events = events_in(manage)
    assert events[: len(half)] == half  # nothing rewritten
    assert_ingested_exactly_once(events, sentences)


def fake_openai_env(fake: FakeOpenAIServer) -> dict[str, str]:
    """A child process's `openai` analyzer pointed at `fake`, one call at a time (so a kill
    lands between two recorded analyses)."""
    return {
        "ANALYZER": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": fake.api_key,
        "ANALYZER_CONCURRENCY": "1",
    }


def assert_ingested_exactly_once(events: list[dict], sentences: int) -> None:
    """The log (`events tail --json`) of one interview ingested by a killed run and the run
    that resumed it: each sentence created and analysed exactly once, every stream's versions
    without a gap or a duplicate, the interview processing then analysed."""
    counts = type_counts_json(events)
    assert counts["SentenceCreated"] == counts["AnalysisGenerated"] == sentences
    analysed = per_sentence_json(events, "AnalysisGenerated")
    assert set(analysed.values()) == {1}
    assert set(analysed) == set(per_sentence_json(events, "SentenceCreated"))
    for stream in {e["stream"] for e in events}:
        versions = [e["version"] for e in events if e["stream"] == stream]
        assert versions == list(range(len(versions))), f"gap or duplicate in {stream}"
    statuses = [
        e["data"]["to_status"] for e in events if e["event_type"] == "InterviewStatusChanged"
    ]
    assert statuses == ["processing", "analyzed"]


def type_counts_json(events: list[dict]) -> Counter[str]:
    return Counter(e["event_type"] for e in events)


def per_sentence_json(events: list[dict], event_type: str) -> Counter[str]:
    return Counter(e["aggregate_id"] for e in events if e["event_type"] == event_type)


def test_the_shared_samples_are_found():
    # The parametrised tests above would silently run on nothing without them.
    assert len(SAMPLE_FILES) == 3


def test_an_unusable_analyzer_configuration_is_reported(settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(CommandError, match="OPENAI_"):
        ingest(str(SAMPLE_FILES[0]), "--analyzer", "openai", "--project", "demo")


def test_an_analysis_failure_is_reported_with_its_reason_and_how_to_resume(settings):
    with FakeOpenAIServer() as fake:
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_API_KEY = "sk-wrong"
        out, _, failure = ingest_failing(
            str(SAMPLE_FILES[1]), "--project", "demo", "--analyzer", "openai"
        )
    assert " failed " in out
    assert "analysis failed: " in out
    assert "401" in out
    assert out.rstrip().endswith("(run it again to resume)")
    assert failure == "1 of 1 file(s) not ingested"
