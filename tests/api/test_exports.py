"""Exports over HTTP: CSV and JSON Lines of an interview or a project, as `manage.py export`."""

import csv
import io
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.db import connection  # noqa: F401  (read by a skipif condition)
from django.http import StreamingHttpResponse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.export import CSV_COLUMNS, ExportFailed
from readmodel.models import Project, Sentence

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "jsonl")


def interview_url(interview_id: uuid.UUID, file_format: str) -> str:
    return f"/api/v1/interviews/{interview_id}/export.{file_format}"


def project_url(project_id: uuid.UUID, file_format: str) -> str:
    return f"/api/v1/projects/{project_id}/export.{file_format}"


def ledgerline() -> Project:
    return Project.objects.get(slug="ledgerline")


def body(response: StreamingHttpResponse) -> str:
    """The streamed body, decoded as the response's declared charset says."""
    assert response.streaming, "an export must be streamed"
    return b"".join(response.streaming_content).decode("utf-8")


def cli_export(file_format: str, *selection: str) -> str:
    out = io.StringIO()
    call_command("export", *selection, "--format", file_format, stdout=out)
    return out.getvalue()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sentences_in_order(interview_id: uuid.UUID) -> list[Sentence]:
    return list(Sentence.objects.filter(interview_id=interview_id).order_by("index"))


@pytest.fixture
def overridden(overridden_by_rita):
    """Sentence 1 overridden by rita (purpose → Request), projected into the read model."""
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    return overridden_by_rita["sid"]


def test_the_interview_csv_has_the_header_and_one_row_per_sentence_in_index_order(ingested):
    response = ingested["viewer"].get(interview_url(ingested["interview_id"], "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert next(csv.reader(io.StringIO(text))) == list(CSV_COLUMNS)
    rows = csv_rows(text)
    expected = sentences_in_order(ingested["interview_id"])
    assert len(expected) > 1
    assert [(r["sentence_id"], r["index"], r["text"]) for r in rows] == [
        (str(s.id), str(s.index), s.text) for s in expected
    ]
    assert {r["project_slug"] for r in rows} == {"ledgerline"}


def test_an_override_is_exported_as_effective_with_its_actor_and_reason(ingested, overridden):
    response = ingested["viewer"].get(interview_url(ingested["interview_id"], "csv"))

    rows = {r["sentence_id"]: r for r in csv_rows(body(response))}
    row = rows.pop(str(overridden))
    sentence = Sentence.objects.get(id=overridden)
    assert row["purpose_effective"] == "Request"
    assert row["purpose_ai"] == (sentence.ai_values["purpose"] or "")
    assert row["purpose_override_actor"] == "rita"
    assert row["purpose_override_reason"] == "she asks"
    assert row["purpose_override_at"] != ""
    assert json.loads(row["overridden_dimensions"]) == ["purpose"]
    # and no other sentence gained an override
    assert {r["overridden_dimensions"] for r in rows.values()} == {"[]"}


def test_the_interview_jsonl_is_one_json_object_per_sentence(ingested, overridden):
    response = ingested["viewer"].get(interview_url(ingested["interview_id"], "jsonl"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    rows = [json.loads(line) for line in body(response).splitlines()]
    expected = sentences_in_order(ingested["interview_id"])
    assert [r["sentence_id"] for r in rows] == [str(s.id) for s in expected]
    row = next(r for r in rows if r["sentence_id"] == str(overridden))
    assert row["effective"]["purpose"] == "Request"
    assert row["overrides"]["purpose"]["actor"] == "rita"
    assert row["overrides"]["purpose"]["reason"] == "she asks"


def test_the_project_jsonl_holds_every_sentence_of_the_project(ingested):
    response = ingested["viewer"].get(project_url(ledgerline().id, "jsonl"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    rows = [json.loads(line) for line in body(response).splitlines()]
    assert len(rows) == Sentence.objects.filter(project_id=ledgerline().id).count() > 1
    assert {(r["project_slug"], r["interview_id"]) for r in rows} == {
        ("ledgerline", str(ingested["interview_id"]))
    }


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_api_answers_exactly_what_manage_py_export_writes(ingested, overridden, file_format):
    viewer = ingested["viewer"]
    by_interview = viewer.get(interview_url(ingested["interview_id"], file_format))
    by_project = viewer.get(project_url(ledgerline().id, file_format))

    from_cli = cli_export(file_format, str(ingested["interview_id"]))
    assert "rita" in from_cli  # the override is part of what is compared
    assert body(by_interview) == from_cli
    assert body(by_project) == cli_export(file_format, "--project", "ledgerline")


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_download_is_named_after_the_project_and_interview_with_a_date(ingested, file_format):
    viewer = ingested["viewer"]
    by_interview = viewer.get(interview_url(ingested["interview_id"], file_format))
    by_project = viewer.get(project_url(ledgerline().id, file_format))

    date = r"\d{4}-\d{2}-\d{2}"
    assert re.fullmatch(
        rf'attachment; filename="ledgerline-[a-z0-9-]+-{date}\.{file_format}"',
        by_interview["Content-Disposition"],
    )
    assert re.fullmatch(
        rf'attachment; filename="ledgerline-{date}\.{file_format}"',
        by_project["Content-Disposition"],
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ACCEPT": "text/csv"}, id="accept-csv"),
        pytest.param({"HTTP_ACCEPT": "application/xml"}, id="accept-xml"),
        pytest.param({"QUERY_STRING": "format=csv"}, id="format-param"),
    ],
)
def test_the_file_is_served_whatever_the_client_accepts(ingested, headers):
    response = ingested["viewer"].get(interview_url(ingested["interview_id"], "csv"), **headers)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert next(csv.reader(io.StringIO(body(response)))) == list(CSV_COLUMNS)


def test_the_interview_export_honours_the_sentence_list_filters(ingested, overridden):
    response = ingested["viewer"].get(
        interview_url(ingested["interview_id"], "csv"), {"overridden": "true"}
    )

    assert [r["sentence_id"] for r in csv_rows(body(response))] == [str(overridden)]


def test_the_project_export_honours_the_sentence_list_filters(ingested, overridden):
    response = ingested["viewer"].get(project_url(ledgerline().id, "jsonl"), {"overridden": "true"})

    assert [json.loads(line)["sentence_id"] for line in body(response).splitlines()] == [
        str(overridden)
    ]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not response.streaming
    problem = response.json()
    assert problem["status"] == status
    return problem


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_outsider_is_told_neither_export_exists(ingested, file_format):
    outsider = ingested["outsider"]
    for url in (
        interview_url(ingested["interview_id"], file_format),
        project_url(ledgerline().id, file_format),
    ):
        assert_problem(outsider.get(url, HTTP_ACCEPT="text/csv"), 404)


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_anonymous_request_is_a_401(ingested, file_format):
    anonymous = APIClient()
    for url in (
        interview_url(ingested["interview_id"], file_format),
        project_url(ledgerline().id, file_format),
    ):
        assert_problem(anonymous.get(url, HTTP_ACCEPT="text/csv"), 401)


def test_an_unknown_interview_or_project_is_a_404(ingested):
    viewer = ingested["viewer"]
    assert_problem(viewer.get(interview_url(uuid.uuid4(), "csv")), 404)
    assert_problem(viewer.get(project_url(uuid.uuid4(), "jsonl")), 404)


def test_a_malformed_filter_is_a_400_problem_not_a_file(ingested):
    response = ingested["viewer"].get(
        interview_url(ingested["interview_id"], "csv"),
        {"reviewed": "maybe"},
        HTTP_ACCEPT="text/csv",
    )

    assert "reviewed" in assert_problem(response, 400)["errors"]


def test_the_schema_documents_each_path_with_its_media_type(ingested):
    schema = ingested["viewer"].get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]

    for scope, key in (("interviews", "interview_id"), ("projects", "project_id")):
        for file_format, media_type in (("csv", "text/csv"), ("jsonl", "application/jsonl")):
            responses = paths[f"/api/v1/{scope}/{{{key}}}/export.{file_format}"]["get"]["responses"]
            assert list(responses["200"]["content"]) == [media_type]
            assert list(responses["404"]["content"]) == ["application/problem+json"]


def test_exports_have_their_own_throttle(ingested, monkeypatch):
    # DRF reads the rates once, when the throttle class is defined: patch them there.
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "exports": "1/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    url = f"/api/v1/interviews/{ingested['interview_id']}/export.csv"
    assert ingested["viewer"].get(url).status_code == 200
    refused = ingested["viewer"].get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert (
        ingested["viewer"].get(f"/api/v1/interviews/{ingested['interview_id']}/").status_code == 200
    )


@pytest.mark.parametrize(
    "unexportable",
    [
        pytest.param({"effective": ["not", "a", "mapping"]}, id="unreadable"),
        pytest.param(
            {"effective": {"overall_keywords": ["ji\ud800ra"]}},
            id="unencodable",
            marks=pytest.mark.skipif(
                "connection.vendor != 'sqlite'",
                reason="PostgreSQL's jsonb refuses a lone surrogate",
            ),
        ),
    ],
)
@pytest.mark.parametrize("file_format", FORMATS)
def test_an_export_that_cannot_finish_says_so_and_aborts_the_stream(
    ingested, file_format, unexportable, caplog
):
    # A read-model row the export cannot read or encode, as an older release could leave.
    Sentence.objects.filter(interview_id=ingested["interview_id"], index=2).update(**unexportable)
    response = ingested["viewer"].get(interview_url(ingested["interview_id"], file_format))
    assert response.status_code == 200  # the headers went before the failing row was read

    written = {"csv": 3, "jsonl": 2}[file_format]  # rows 0 and 1, after the CSV header
    chunks = []
    stream = iter(response.streaming_content)
    while len(chunks) < written + 1:
        chunks.append(next(stream))
    with pytest.raises(ExportFailed, match=f"failed after {written} records"):
        next(stream)

    last = chunks[-1].decode("utf-8")
    if file_format == "jsonl":
        assert "incomplete" in json.loads(last)["export_error"]
    else:
        [[cell]] = list(csv.reader(io.StringIO(last)))
        assert cell.startswith("# export incomplete: ")
    [record] = [r for r in caplog.records if r.name == "readmodel.export"]
    assert record.levelname == "ERROR"
    assert record.exc_info
