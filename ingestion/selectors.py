"""Where an upload has got to, from its task (django-q2) and its interview (the read model)."""

from typing import Any

from django_q.models import Task

from ingestion.models import Upload
from readmodel.models import INTERVIEW_COUNTERS
from readmodel.models import Interview as InterviewRow

# A finished task's result status (`ingestion.tasks.ingest_upload`) → the upload's state.
_FINISHED = {"analyzed": "done", "failed": "failed", "rejected": "rejected"}
UPLOAD_STATES = ("queued", "running", "done", "failed", "rejected", "error")


def upload_status(upload: Upload) -> dict[str, Any]:
    """`state` is one of queued, running, done, failed (run it again to resume: the analyzer
    failed), rejected (the pipeline refused the file) or error (the task crashed);
    `interview` is what the read model shows so far (null before it shows the interview)."""
    task = Task.objects.filter(id=upload.task_id).first()
    row = InterviewRow.objects.filter(id=upload.interview_id).first()
    result: dict[str, Any] | None = None
    detail = None
    if task is None:
        state = "running" if row is not None and row.status == "processing" else "queued"
    elif not task.success:
        state = "error"
        lines = str(task.result or "").strip().splitlines()  # a traceback: its last line says
        detail = lines[-1] if lines else "the task failed"
    else:
        result = task.result if isinstance(task.result, dict) else {}
        state = _FINISHED.get(result.get("status", ""), "done")
        detail = result.get("reason")
    return {
        "task_id": upload.task_id,
        "state": state,
        "detail": detail,
        "filename": upload.filename,
        "size": upload.size,
        "project_id": upload.project_id,
        "interview_id": upload.interview_id,
        "uploaded_by": upload.uploaded_by.get_username() if upload.uploaded_by else None,
        "created_at": upload.created_at,
        "position": result.get("position") if result else None,
        "interview": None
        if row is None
        else {
            "status": row.status,
            "status_reason": row.status_reason,
            **{name: getattr(row, name) for name in INTERVIEW_COUNTERS},
        },
    }
