from django.conf import settings
from django.db import models


class ReactionCheckpoint(models.Model):
    """How far a reaction (a process that answers events with commands) has read the log.

    Reactions are idempotent — their commands have ids derived from the event they answer —
    so the checkpoint may lag behind what was handled: after a crash, events are seen again
    and their second handling is a no-op.
    """

    name = models.CharField(primary_key=True, max_length=100)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reaction_checkpoint"

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"


class Upload(models.Model):
    """An upload handed to the task queue: what the upload status resource reports on.

    The facts (the interview, its sentences, their analyses) are events; this row only ties a
    queued task to the project and interview it concerns, so its status can be shown to the
    project's members — django-q2 keeps a task's row only once it has finished.
    """

    task_id = models.CharField(primary_key=True, max_length=32)
    project_id = models.UUIDField()
    interview_id = models.UUIDField()
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ingestion_upload"
        indexes = [models.Index(fields=["project_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.task_id})"
