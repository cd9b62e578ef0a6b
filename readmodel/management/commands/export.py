"""`manage.py export (INTERVIEW_ID | --project SLUG) --format jsonl|csv [--output FILE]`.

Thin on purpose: parse and check the arguments, pick the sentences with the selector, hand them
to `readmodel.export`, which the REST API shares. The data goes to stdout unless --output is
given, so the command can be piped. An export that fails part-way exits with status 1; with
--output it leaves FILE as it was (the export is written beside it, then renamed into place).
"""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readmodel.export import ExportFailed, export_rows, write_csv, write_jsonl
from readmodel.selectors import interview_get, project_get, sentences_for_export

WRITERS = {"jsonl": write_jsonl, "csv": write_csv}


class Command(BaseCommand):
    help = "Export the sentences of one interview or one project from the read model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("interview_id", nargs="?", help="the interview to export")
        parser.add_argument("--project", metavar="SLUG", help="export every interview of it")
        parser.add_argument("--format", choices=sorted(WRITERS), required=True)
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        sentences = sentences_for_export(**self._selection(options))
        write = WRITERS[options["format"]]
        try:
            if options["output"] is None:
                write(export_rows(sentences), self.stdout)
                return
            path = Path(options["output"])
            count = _write_file(path, lambda out: write(export_rows(sentences), out, path.name))
        except ExportFailed as e:
            raise CommandError(str(e)) from e  # exit status 1; guarded logged the cause
        self.stderr.write(f"wrote {count} sentences to {path}")

    def _selection(self, options: dict[str, Any]) -> dict[str, Any]:
        """The selector's arguments, or a CommandError naming what is wrong."""
        raw_id, slug = options["interview_id"], options["project"]
        if raw_id is not None and slug is not None:
            raise CommandError("give either INTERVIEW_ID or --project SLUG, not both")
        if raw_id is None and slug is None:
            raise CommandError("give an INTERVIEW_ID or --project SLUG")
        if slug is not None:
            if project_get(slug=slug) is None:
                raise CommandError(f"no project with slug {slug!r}")
            return {"project_slug": slug}
        try:
            interview_id = uuid.UUID(raw_id)
        except ValueError:
            raise CommandError(f"{raw_id!r} is not an interview id (a UUID)") from None
        if interview_get(interview_id=interview_id) is None:
            raise CommandError(f"no interview with id {interview_id}")
        return {"interview_id": interview_id}


def _write_file(path: Path, write: Callable[[TextIO], int]) -> int:
    """`write` into a file beside `path`, renamed to `path` only once complete."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = write(out)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count
