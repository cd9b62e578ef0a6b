"""Admin pages to look into the relational read model — never to change it.

Only the projector writes these rows (a change made here would be lost at the next replay and
would contradict the event log), so every page is read-only.
"""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from readmodel.models import Interview, Project, Sentence


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "created_at", "version")
    search_fields = ("name", "=slug", "=id")


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "project",
        "status",
        "blocked",
        "sentence_count",
        "analyzed_count",
        "overridden_count",
        "reviewed_count",
        "stale_count",
        "updated_at",
    )
    list_filter = ("status", "blocked", "language", "project")
    list_select_related = ("project",)
    search_fields = ("title", "source_filename", "=id")
    date_hierarchy = "created_at"


@admin.register(Sentence)
class SentenceAdmin(ReadOnlyAdmin):
    list_display = (
        "short_text",
        "interview",
        "index",
        "speaker",
        "function_type",
        "purpose",
        "topic_level_1",
        "min_confidence",
        "edited",
        "stale_analysis",
        "overridden",
        "reviewed",
        "blocked",
    )
    list_filter = (
        "reviewed",
        "overridden",
        "stale_analysis",
        "edited",
        "blocked",
        "function_type",
        "purpose",
        "topic_level_1",
        "speaker",
    )
    list_select_related = ("interview",)
    search_fields = ("text", "original_text", "speaker", "=id", "=interview__id")
    ordering = ("interview_id", "index")

    @admin.display(description="text")
    def short_text(self, sentence: Sentence) -> str:
        return str(sentence)
