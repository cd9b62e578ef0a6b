"""Uploads and reaction checkpoints in the Django admin: to look at, never to change.

An Upload row only ties a queued task to its project and interview (the facts are events), and a
reaction checkpoint is written by its reaction alone; editing either would mislead whoever reads
the upload status or restarts the reaction.
"""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from ingestion.models import ReactionCheckpoint, Upload


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = (
        "filename",
        "task_id",
        "project_id",
        "interview_id",
        "size",
        "uploaded_by",
        "created_at",
    )
    list_select_related = ("uploaded_by",)
    search_fields = ("filename", "=task_id", "=project_id", "=interview_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


@admin.register(ReactionCheckpoint)
class ReactionCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("name", "position", "updated_at")
