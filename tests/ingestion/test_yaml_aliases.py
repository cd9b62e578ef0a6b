"""YAML that would take the server down is refused before anything expands it.

A few hundred bytes of nested aliases (the "billion laughs") grow into gigabytes when PyYAML's
constructor builds them. Front matter and the evaluation set are read by one loader that
refuses anchors and aliases while composing, bounds nesting and bounds the text; the refusal
reaches the uploader through the form, the API and the CLI, and nothing is written.
"""

import io
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_q.models import OrmQ

from access.services import grant
from analysis.evaluation import run as evaluation
from common.safe_yaml import MAX_DEPTH, YamlRefused, load_yaml
from events.wiring import get_event_store
from ingestion.models import Upload
from ingestion.pipeline import PIPELINE
from ingestion.prepare import prepare_upload
from ingestion.projects import ensure_project
from ingestion.transcripts import TranscriptError, parse_transcript
from ingestion.upload import RejectedUpload
from readmodel.models import Project
from tests.api.conftest import client_for
from tests.web.helpers import catch_up, logged_in

ALIASES_REFUSED = "front matter uses YAML aliases, which are not allowed"


def alias_bomb(levels: int = 8, width: int = 9) -> str:
    """`width ** levels` strings (43 million here) from about 600 bytes of front matter."""
    rows = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        rows.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "---\n" + "\n".join(rows) + "\n---\nDana: We ship on Fridays.\n"


BOMB = alias_bomb()


def test_the_bomb_is_about_600_bytes():
    assert 400 < len(BOMB.encode()) < 800


def test_the_loader_refuses_the_bomb_before_expanding_it():
    with pytest.raises(YamlRefused, match="uses YAML aliases, which are not allowed") as refused:
        load_yaml(BOMB.split("---\n")[1], max_chars=10_000)
    assert refused.value.line == 1  # the first anchor: nothing after it was built


@pytest.mark.parametrize(
    "source",
    [
        "a: &x 1\nb: *x\n",  # a scalar
        "a: &x {k: v}\nb:\n  <<: *x\n",  # the merge key needs an alias too
        "- &x [1]\n- *x\n",  # in a list
        "a: &only-an-anchor 1\n",  # an anchor alone is refused as well: nothing needs one
        "? &k key\n: v\n",  # on a key
    ],
)
def test_the_loader_refuses_every_anchor_and_alias(source):
    with pytest.raises(YamlRefused, match="aliases"):
        load_yaml(source, max_chars=10_000)


def test_the_loader_bounds_nesting_and_size():
    load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, max_chars=10_000)
    with pytest.raises(YamlRefused, match="levels deep"):
        load_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), max_chars=10_000)
    with pytest.raises(YamlRefused, match="levels deep"):
        load_yaml("[" * 100_000, max_chars=1_000_000)  # no RecursionError
    with pytest.raises(YamlRefused, match="at most 100 are read"):
        load_yaml("a: " + "x" * 100, max_chars=100)


def test_every_failure_of_the_loader_is_a_yaml_error():
    with pytest.raises(yaml.YAMLError, match="cannot be read"):
        load_yaml("n: " + "9" * 5000, max_chars=10_000)  # int()'s digit limit is a ValueError
    # A date the calendar does not have is the text a person wrote, not an error.
    assert load_yaml("date: 2026-02-30", max_chars=100) == {"date": "2026-02-30"}
    assert load_yaml("a: [1, {b: c}]", max_chars=100) == {"a": [1, {"b": "c"}]}


def test_the_evaluation_set_is_read_by_the_same_loader(tmp_path, monkeypatch):
    split = tmp_path / "bomb.yaml"
    split.write_text("- &d {dialogue: x}\n- *d\n", encoding="utf-8")
    monkeypatch.setitem(evaluation.SPLITS, "bomb", split)
    with pytest.raises(YamlRefused, match="aliases"):
        evaluation.load_dialogues("bomb")


@pytest.mark.parametrize(
    "front_matter",
    [
        BOMB,
        "---\ntitle: &t Release planning\nproject: *t\n---\nDana: We ship on Fridays.\n",
        "---\nextra: " + "[" * 200 + "]" * 200 + "\n---\nDana: We ship on Fridays.\n",
        "---\nn: " + "9" * 5000 + "\n---\nDana: We ship on Fridays.\n",
        "---\nnote: " + "x" * 70_000 + "\n---\nDana: We ship on Fridays.\n",
    ],
    ids=["bomb", "alias", "nesting", "long-number", "long-front-matter"],
)
def test_front_matter_the_loader_refuses_is_a_transcript_error(front_matter):
    with pytest.raises(TranscriptError, match="front matter"):
        parse_transcript(front_matter, "call.txt")


def test_the_bomb_is_refused_with_its_line_and_the_file_name():
    with pytest.raises(RejectedUpload) as refused:
        prepare_upload(BOMB.encode(), filename="bomb.txt", max_bytes=1_000_000)
    assert str(refused.value) == f"bomb.txt: line 2: {ALIASES_REFUSED} (&l0)"


# --- Through every entry point, nothing written ----------------------------------------------


@pytest.fixture
def reviewer(db) -> User:
    ensure_project("ledgerline", store=get_event_store(), actor=PIPELINE)
    catch_up()
    rita = User.objects.create_user("rita")
    grant(username="rita", project_slug="ledgerline", role="reviewer")
    return rita


def nothing_written(head: int) -> None:
    assert get_event_store().head_position() == head
    assert OrmQ.objects.count() == 0
    assert Upload.objects.count() == 0


def test_the_upload_form_refuses_the_bomb_and_queues_nothing(reviewer):
    head = get_event_store().head_position()
    response = logged_in(reviewer).post(
        "/projects/ledgerline/upload/", {"file": SimpleUploadedFile("bomb.txt", BOMB.encode())}
    )
    assert response.status_code == 400
    assert ALIASES_REFUSED in response.content.decode()
    nothing_written(head)


def test_the_api_refuses_the_bomb_with_a_problem_and_queues_nothing(reviewer):
    head = get_event_store().head_position()
    upload = io.BytesIO(BOMB.encode())
    upload.name = "bomb.txt"
    project = str(Project.objects.get(slug="ledgerline").id)
    response = client_for(reviewer).post(
        "/api/v1/interviews/", {"file": upload, "project": project}, format="multipart"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert ALIASES_REFUSED in " ".join(response.json()["errors"]["file"])
    nothing_written(head)


@pytest.mark.django_db
def test_the_cli_refuses_the_bomb_and_writes_nothing(tmp_path):
    bomb = tmp_path / "bomb.txt"
    bomb.write_text(BOMB, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("ingest", str(bomb), "--project", "demo", stdout=StringIO(), stderr=err)
    assert ALIASES_REFUSED in err.getvalue()
    assert get_event_store().head_position() == 0
