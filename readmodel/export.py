"""Sentences of the read model as JSON Lines or CSV: one row per sentence.

Plain functions, so the `export` command and the REST API share them: `export_rows` turns
sentences into nested dicts (the JSONL shape), `jsonl_lines` / `csv_lines` turn rows into text
one record at a time (the API streams these), and `write_jsonl` / `write_csv` write the same
lines to a file and return how many rows they wrote. Rows are produced one at a time, so a large
project is never held in memory.

JSONL: one object per line with nested `ai`, `effective` and `confidence` objects (every
dimension present, null when unknown) and an `overrides` object holding only the overridden
dimensions, each with the actor's display name, the reason and when.

CSV: the same content flattened under a fixed header (`CSV_COLUMNS`), UTF-8, quoted by the csv
module (commas, quotes and newlines in a sentence survive a round trip). Per dimension the
columns are `<dim>_ai`, `<dim>_effective`, `<dim>_confidence`, `<dim>_override_actor`,
`<dim>_override_reason`, `<dim>_override_at`. A keyword list is written as a JSON array in its
cell (`["jira", "ci/cd"]`): a "; "-joined list could not be told apart from a keyword containing
"; ", and `[]` (analysed, none found) stays distinct from an empty cell (no value). Booleans are
`true` / `false`, datetimes ISO 8601 UTC, a missing value an empty cell.

A CSV file is opened in a spreadsheet, which runs a cell starting with `=`, `+`, `-` or `@` (or a
tab or carriage return before one) as a formula: a sentence such as `=HYPERLINK(...)` would be a
live link or worse on a reviewer's machine. Following OWASP's advice on CSV injection, such a
text cell is written with a leading `'` (spreadsheets show the text, not its result). JSONL keeps
every value as it is.

An export that cannot finish (a row that cannot be read or encoded, the database gone) must not
pass for a complete one: `guarded` logs the failure and raises `ExportFailed`, which the command
turns into a non-zero exit (leaving no partial --output file) and which aborts the API's
streamed response, so the client's HTTP library reports an incomplete body. A proxy may hide
that abort (one reading the response as HTTP/1.0 cannot tell it from the end), so the API first
sends a last record saying the export is incomplete (`jsonl_trailer`, `csv_trailer`): a JSONL
object `{"export_error": ...}`, a CSV row whose only cell starts with `# export incomplete`.
"""

import csv
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, TypeVar

from django.db.models import QuerySet

from events.dimensions import Dimension
from readmodel.digest import iso_utc
from readmodel.models import Sentence

log = logging.getLogger(__name__)
T = TypeVar("T")

DIMENSION_NAMES: tuple[str, ...] = tuple(dimension.value for dimension in Dimension)
CHUNK_SIZE = 1000

_HEAD = (
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
)
_OVERRIDE_PARTS = ("actor", "reason", "at")
_TAIL = (
    "overridden_dimensions",
    "reviewed",
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "analyzer",
    "model",
    "model_version",
)
CSV_COLUMNS: tuple[str, ...] = (
    *_HEAD,
    *(
        f"{dim}_{column}"
        for dim in DIMENSION_NAMES
        for column in ("ai", "effective", "confidence", *(f"override_{p}" for p in _OVERRIDE_PARTS))
    ),
    *_TAIL,
)


def actor_display(actor: object) -> str | None:
    """How to name an actor stored as `Actor.as_dict()`; tolerates a bare string too."""
    if actor is None or isinstance(actor, str):
        return actor
    if isinstance(actor, dict):
        return actor.get("display") or f"{actor.get('type')}:{actor.get('id')}"
    return str(actor)


def _per_dimension(values: dict[str, Any] | None) -> dict[str, Any]:
    values = values or {}
    return {dim: values.get(dim) for dim in DIMENSION_NAMES}


def _overrides(sentence: Sentence) -> dict[str, dict[str, Any]]:
    overridden = sentence.overrides or {}
    meta = sentence.override_meta or {}
    result: dict[str, dict[str, Any]] = {}
    for dim in DIMENSION_NAMES:
        if dim in overridden:
            info = meta.get(dim) or {}
            result[dim] = {
                "actor": actor_display(info.get("actor")),
                "reason": info.get("reason"),
                "at": info.get("at"),
            }
    return result


def export_row(sentence: Sentence) -> dict[str, Any]:
    """One sentence in the JSONL shape; needs `interview__project` loaded to avoid queries."""
    interview = sentence.interview
    return {
        "project_slug": interview.project.slug,
        "interview_id": str(interview.id),
        "interview_title": interview.title,
        "sentence_id": str(sentence.id),
        "index": sentence.index,
        "speaker": sentence.speaker,
        "text": sentence.text,
        "original_text": sentence.original_text,
        "edited": sentence.edited,
        "stale_analysis": sentence.stale_analysis,
        "ai": _per_dimension(sentence.ai_values),
        "effective": _per_dimension(sentence.effective),
        "confidence": _per_dimension(sentence.ai_confidence),
        "overrides": _overrides(sentence),
        "reviewed": sentence.reviewed,
        "reviewed_by": actor_display(sentence.reviewed_by),
        "reviewed_at": iso_utc(sentence.reviewed_at) if sentence.reviewed_at else None,
        "review_note": sentence.review_note,
        "analyzer": sentence.analyzer,
        "model": sentence.model,
        "model_version": sentence.model_version,
    }


def export_rows(sentences: QuerySet[Sentence]) -> Iterator[dict[str, Any]]:
    """Rows of `sentences` (see `selectors.sentences_for_export`), fetched in chunks."""
    for sentence in sentences.iterator(chunk_size=CHUNK_SIZE):
        yield export_row(sentence)


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """A JSONL-shaped row under the CSV columns (values not yet turned into cell text)."""
    flat = {column: row[column] for column in _HEAD}
    for dim in DIMENSION_NAMES:
        override = row["overrides"].get(dim, {})
        flat[f"{dim}_ai"] = row["ai"][dim]
        flat[f"{dim}_effective"] = row["effective"][dim]
        flat[f"{dim}_confidence"] = row["confidence"][dim]
        for part in _OVERRIDE_PARTS:
            flat[f"{dim}_override_{part}"] = override.get(part)
    flat["overridden_dimensions"] = list(row["overrides"])
    flat.update({column: row[column] for column in _TAIL[1:]})
    return flat


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list, see the module docstring


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralised(value)
    return str(value)


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it rather than evaluates it (a leading `'` if needed)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per row, each a line ending in "\\n"."""
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


class _Echo:
    """A pseudo-file whose `write` hands the text back, so csv.writer formats one row at a time
    without a buffer (Django's "Streaming large CSV files" recipe)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header, then one flattened row per sentence, each a CSV record ending in "\\r\\n"
    (a record may span lines when a cell holds a newline)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        flat = flatten(row)
        yield writer.writerow([csv_cell(flat[column]) for column in CSV_COLUMNS])


class ExportFailed(Exception):
    """An export stopped part-way: what was written of it is not the whole export."""

    def __init__(self, what: str, written: int) -> None:
        super().__init__(
            f"the export of {what} failed after {written} records; what was written of it"
            " is incomplete (the log has the cause)"
        )
        self.written = written


def guarded(
    records: Iterable[T], what: str, trailer: Callable[[str], T] | None = None
) -> Iterator[T]:
    """`records`, one at a time; if producing one fails, log why, yield `trailer(message)` when
    given, and raise ExportFailed."""
    written = 0
    try:
        for record in records:
            yield record
            written += 1
    except Exception as e:
        log.exception("export of %s failed after %d records", what, written)
        failed = ExportFailed(what, written)
        if trailer is not None:
            yield trailer(str(failed))
        raise failed from e


def jsonl_trailer(message: str) -> str:
    """The last line of a JSONL export that could not finish."""
    return json.dumps({"export_error": message}, ensure_ascii=False) + "\n"


def csv_trailer(message: str) -> str:
    """The last record of a CSV export that could not finish."""
    return csv.writer(_Echo()).writerow([f"# export incomplete: {message}"])


def _write(lines: Iterable[str], out: TextIO, what: str) -> int:
    """Write each line; return how many were written (ExportFailed if one cannot be)."""
    return sum(1 for _ in guarded((out.write(line) for line in lines), what))


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO, what: str = "sentences") -> int:
    """Write one JSON object per line; return the number of rows."""
    return _write(jsonl_lines(rows), out, what)


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO, what: str = "sentences") -> int:
    """Write the header, then one flattened row per sentence; return the number of rows.

    `out` should be opened with newline="" when it is a file, as the csv module asks.
    """
    return _write(csv_lines(rows), out, what) - 1  # the header is not a sentence
