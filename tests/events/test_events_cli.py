import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.catalogue import CATALOGUE
from events.store import NO_STREAM
from events.wiring import get_event_store
from tests.factories import (
    project_created,
    project_renamed,
    project_stream,
    sentence_created,
    sentence_stream,
)

pytestmark = pytest.mark.django_db


def tail(*args: str) -> list[str]:
    out = StringIO()
    call_command("events", "tail", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def recorded():
    store = get_event_store()
    project, sentence = project_stream(), sentence_stream()
    first = store.append(project, [project_created()], NO_STREAM).position
    store.append(sentence, [sentence_created()], NO_STREAM)
    store.append(project, [project_renamed("Demo", "Renamed")], 0)
    return {"project": project, "sentence": sentence, "first": first}


def test_it_prints_every_envelope_field_as_one_json_object_per_line(recorded):
    lines = [json.loads(line) for line in tail("--json")]
    assert [e["event_type"] for e in lines] == [
        "ProjectCreated",
        "SentenceCreated",
        "ProjectUpdated",
    ]
    assert [e["position"] for e in lines] == sorted(e["position"] for e in lines)
    assert set(lines[0]) == {
        "event_id", "event_type", "schema_version", "stream", "aggregate_type", "aggregate_id",
        "version", "position", "occurred_at", "recorded_at", "actor", "correlation_id",
        "causation_id", "data",
    }  # fmt: skip
    assert lines[0]["actor"] == {"type": "system", "id": "pipeline", "display": "system:pipeline"}
    assert lines[2]["data"] == {"changes": {"name": {"old": "Demo", "new": "Renamed"}}}


def test_it_filters_by_stream_type_and_position(recorded):
    by_stream = [json.loads(x)["stream"] for x in tail("--json", "--stream", recorded["project"])]
    assert by_stream == [recorded["project"]] * 2
    by_type = [json.loads(x)["event_type"] for x in tail("--json", "--type", "SentenceCreated")]
    assert by_type == ["SentenceCreated"]
    after_first = [
        json.loads(x)["position"] for x in tail("--json", "--after", str(recorded["first"]))
    ]
    assert len(after_first) == 2
    assert all(p > recorded["first"] for p in after_first)
    assert len(tail("--limit", "1")) == 1


def test_it_prints_a_readable_line_without_json(recorded):
    [line] = tail("--type", "ProjectUpdated")
    assert f"{recorded['project']}@1" in line
    assert "ProjectUpdated" in line
    assert "system:pipeline" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "Nope"], "unknown event type Nope"),
        (["--after", "-1"], "--after must be 0"),
        (["--stream", "Robot-1"], "is not <Project|Interview|Sentence>-<uuid>"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_it_rejects_bad_options_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        tail(*args)


def test_known_types_are_listed_when_a_type_is_unknown():
    with pytest.raises(CommandError) as error:
        tail("--type", "Nope")
    assert all(name in str(error.value) for name in CATALOGUE)


def test_it_reports_an_unreachable_event_store_without_a_traceback():
    # A real process against a port where nothing listens, as an operator would hit it.
    result = subprocess.run(
        [sys.executable, "manage.py", "events", "tail"],
        env={**os.environ, "DATABASE_URL": "postgres://nobody:x@127.0.0.1:1/nowhere"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "event store database unavailable" in result.stderr
    assert "Traceback" not in result.stderr
