"""The pipeline as django-q2 tasks (ORM broker by default, docs/architecture.md, Ingestion).

A task carries the uploaded bytes themselves, so a task handed out again after its worker died
has everything to resume; the pipeline's idempotency makes that second run safe. (django-q2
keeps finished tasks with their arguments, up to its `save_limit`: a busy site on the ORM
broker may want to lower it.)
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django_q.tasks import async_task

from analysis.wiring import get_analyzer
from commands.errors import NotFound
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.pipeline import IngestRefused, ingest
from ingestion.prepare import prepare_upload
from ingestion.upload import RejectedUpload

INGEST_TASK = "ingestion.tasks.ingest_upload"


def enqueue_ingest(
    raw: bytes,
    *,
    filename: str,
    project_id: UUID,
    uploader: Actor,
    title: str | None = None,
    analyzer: str | None = None,
) -> str:
    """Queue the pipeline for an upload the caller has already validated; returns the task id."""
    return async_task(
        INGEST_TASK,
        raw,
        filename=filename,
        project_id=str(project_id),
        uploader=uploader.as_dict(),
        title=title,
        analyzer=analyzer,
        task_name=f"ingest {filename}"[:100],
    )


def ingest_upload(
    raw: bytes,
    *,
    filename: str,
    project_id: str,
    uploader: dict[str, str],
    title: str | None = None,
    analyzer: str | None = None,
) -> dict[str, Any]:
    """Run the pipeline; the returned dict is the task's result (shown as the upload status)."""
    try:
        upload = prepare_upload(
            raw, filename=filename, max_bytes=settings.INGEST_MAX_BYTES, title=title
        )
    except RejectedUpload as e:
        return {"status": "rejected", "reason": str(e)}
    backend = get_analyzer(analyzer)
    store = get_event_store()
    try:
        outcome = ingest(
            upload,
            project_id=UUID(project_id),
            analyzer=backend,
            store=store,
            uploader=Actor.from_dict(uploader),
        )
    except (IngestRefused, NotFound) as e:
        return {"status": "rejected", "reason": str(e)}
    finally:
        backend.close()
    return {
        "status": outcome.status,
        "interview_id": str(outcome.interview_id),
        "sentences": outcome.sentences,
        "analyses_recorded": outcome.analyses_recorded,
        "resumed": outcome.resumed,
        "reason": outcome.reason,
        # Every event of the run is at or below this: `?wait_for=` it to read them all.
        "position": store.head_position(),
    }
