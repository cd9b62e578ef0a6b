"""Accepting an upload from the web: validate it in full, then queue the pipeline for it.

The API answers before the transcript is analysed (202), so everything that can refuse the file
happens here, while the uploader is still waiting for an answer: the same checks as the CLI
(`prepare_upload`), the project's existence and an archived interview of the same content.
"""

from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from access.actors import actor_for
from commands.aggregates import Interview, Project
from commands.errors import NotFound
from commands.repository import Repository
from events.wiring import get_event_store
from ingestion.models import Upload
from ingestion.pipeline import IngestRefused, interview_id_for
from ingestion.prepare import prepare_upload
from ingestion.tasks import enqueue_ingest
from ingestion.upload import RejectedUpload, check_size


def accept_upload(
    raw: bytes,
    *,
    filename: str,
    project_id: UUID,
    user: AbstractBaseUser,
    title: str | None = None,
) -> Upload:
    """Queue the pipeline for `raw`, uploaded by `user` (the actor of its events), and return
    the Upload row that tracks it.

    Raises RejectedUpload (the file cannot be ingested: message fit for the user), NotFound
    (no such project) or IngestRefused (this content is an archived interview of the project).
    """
    prepared = prepare_upload(
        raw, filename=filename, max_bytes=settings.INGEST_MAX_BYTES, title=title
    )
    interview_id = interview_id_for(project_id, prepared.content_sha256)
    repo = Repository(get_event_store())
    if not repo.get(Project, project_id).exists:
        raise NotFound("Project", project_id)
    if repo.get(Interview, interview_id).status == "archived":
        raise IngestRefused(
            f"{filename} is interview {interview_id} of this project, which is archived:"
            " it is not analysed again"
        )
    # With the ORM broker the queued task and its Upload row commit together. With another
    # broker the task may outlive a failed insert; it is idempotent, so that costs nothing.
    with transaction.atomic():
        task_id = enqueue_ingest(
            raw, filename=filename, project_id=project_id, uploader=actor_for(user), title=title
        )
        return Upload.objects.create(
            task_id=task_id,
            project_id=project_id,
            interview_id=interview_id,
            filename=filename,
            size=len(raw),
            uploaded_by=user,
        )


class UploadRefused(Exception):
    """The file is not queued: `message` is fit for the uploader, `status` the HTTP answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def accept_file(
    file: UploadedFile, *, project_id: UUID, user: AbstractBaseUser, title: str | None
) -> Upload:
    """Check a file uploaded to the web (API or page) and queue it: 413 over the size limit (checked
    before the file is read), 400 for a file that cannot be ingested, 409 for the content of an
    archived interview. Raises UploadRefused, or NotFound when the project has no events."""
    filename = file.name or "upload.txt"
    try:
        check_size(file.size or 0, filename=filename, max_bytes=settings.INGEST_MAX_BYTES)
    except RejectedUpload as e:
        raise UploadRefused(str(e), 413) from e
    try:
        return accept_upload(
            file.read(),
            filename=filename,
            project_id=project_id,
            user=user,
            title=title,
        )
    except RejectedUpload as e:
        raise UploadRefused(str(e), 400) from e
    except IngestRefused as e:
        raise UploadRefused(str(e), 409) from e
