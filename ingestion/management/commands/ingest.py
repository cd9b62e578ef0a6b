"""`manage.py ingest FILE... [--project SLUG] [--analyzer NAME] [--title TEXT]`.

Runs the pipeline for each file in this process, with a progress bar on a terminal, and prints
one line per file: the interview id, the status, the sentence count and the file. A file that is
refused (empty, binary, not UTF-8, too large, no sentences) or whose analysis fails is reported
and the others go on; the exit status is non-zero if any file was not ingested. Running it again
on the same file resumes (or confirms) the same interview instead of duplicating it.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from analysis.port import Analyzer
from analysis.wiring import analyzer_names, get_analyzer
from commands.errors import CommandError as DomainError
from events.catalogue import SLUG
from events.store import EventStore, EventStoreUnavailable
from events.wiring import get_event_store
from ingestion.pipeline import PIPELINE, IngestOutcome, Progress, ingest
from ingestion.prepare import PreparedUpload, prepare_upload
from ingestion.projects import ensure_project
from ingestion.upload import RejectedUpload, check_size

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Ingest transcript files: sentences and AI analyses, recorded as events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="transcript files")
        parser.add_argument(
            "--project",
            metavar="SLUG",
            help="project slug (created if missing); default: each file's front matter `project`",
        )
        parser.add_argument(
            "--analyzer",
            choices=analyzer_names(),
            help=f"analyzer backend (default: the ANALYZER setting, now {settings.ANALYZER})",
        )
        parser.add_argument("--title", help="interview title (only with a single file)")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if options["title"] is not None and len(files) > 1:
            raise CommandError("--title names one interview: give it with a single file")
        if options["project"] is not None and not SLUG.fullmatch(options["project"]):
            raise CommandError(
                f"--project {options['project']!r} is not a slug (lower-case words joined by -)"
            )
        store = get_event_store()
        try:
            analyzer = get_analyzer(options["analyzer"])
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from e
        failures = 0
        try:
            for name in files:
                if not self._ingest_file(Path(name), store, analyzer, options):
                    failures += 1
        except EventStoreUnavailable as e:
            raise CommandError(f"the event store is unavailable: {e}") from e
        finally:
            analyzer.close()
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) not ingested")

    def _ingest_file(
        self, path: Path, store: EventStore, analyzer: Analyzer, options: dict[str, Any]
    ) -> bool:
        """Ingest one file; report and return False if it was refused or failed."""
        try:
            upload = self._prepare(path, options["title"])
            slug = self._project_slug(upload, options["project"])
            project = ensure_project(slug, store=store, actor=PIPELINE)
        except (RejectedUpload, DomainError) as e:
            self.stderr.write(f"{path}: not ingested: {e}")
            return False
        try:
            with progress_bar(path.name, enabled=options["verbosity"] > 0) as progress:
                outcome = ingest(
                    upload, project_id=project.id, analyzer=analyzer, store=store, progress=progress
                )
        except EventStoreUnavailable:
            raise  # every other file would fail the same way
        except Exception as e:
            # Some events may be written; the interview is marked failed, and running the
            # command again on the file resumes it. The other files go on.
            log.exception("ingesting %s failed", path)
            self.stderr.write(f"{path}: failed: {e} (run it again to resume)")
            return False
        self.stdout.write(_summary(outcome, path))
        return outcome.status == "analyzed"

    def _prepare(self, path: Path, title: str | None) -> PreparedUpload:
        limit = settings.INGEST_MAX_BYTES
        try:
            check_size(path.stat().st_size, filename=path.name, max_bytes=limit)  # before reading
            raw = path.read_bytes()
        except OSError as e:
            raise RejectedUpload(f"cannot read the file: {e.strerror}") from e
        return prepare_upload(raw, filename=path.name, max_bytes=limit, title=title)

    def _project_slug(self, upload: PreparedUpload, given: str | None) -> str:
        slug = given or upload.transcript.metadata.project
        if not slug:
            raise RejectedUpload("no project: give --project or a `project:` in the front matter")
        if not SLUG.fullmatch(slug):
            raise RejectedUpload(f"the front matter's project {slug!r} is not a valid slug")
        return slug


def _summary(outcome: IngestOutcome, path: Path) -> str:
    line = f"{outcome.interview_id}  {outcome.status:<8}  {outcome.sentences:>5} sentences  {path}"
    if outcome.reason:
        return f"{line}  {outcome.reason} (run it again to resume)"
    if outcome.resumed:
        line += "  (resumed)" if outcome.analyses_recorded else "  (already ingested)"
    return line


@contextmanager
def progress_bar(label: str, *, enabled: bool) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal (tqdm stays silent otherwise)."""
    bar = tqdm(desc=label, unit="step", disable=None if enabled else True, leave=False)

    def update(phase: str, done: int, total: int) -> None:
        # Two phases of `total` steps each: creating the sentences, then analysing them.
        offset = total if phase == "analysis" else 0
        bar.total = 2 * total
        bar.set_postfix_str(phase, refresh=False)
        bar.n = offset + done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
