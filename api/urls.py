from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView

from api import (
    corrections,
    docs,
    exports,
    history,
    interview_commands,
    interviews,
    projects,
    sentences,
    uploads,
)
from api.converters import AnyCaseUUID

# Before any urlpatterns use it (graph.urls too, included below).
register_converter(AnyCaseUUID, "id")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs.api_docs, name="api-docs"),  # under the CSP: api/docs.py
    path("v1/projects/", projects.ProjectList.as_view(), name="project-list"),
    path("v1/projects/<id:project_id>/", projects.ProjectDetail.as_view(), name="project-detail"),
    path("v1/interviews/", interviews.InterviewList.as_view(), name="interview-list"),
    path(
        "v1/interviews/<id:interview_id>/",
        interviews.InterviewDetail.as_view(),
        name="interview-detail",
    ),
    path(
        "v1/interviews/<id:interview_id>/status/",
        interview_commands.InterviewStatus.as_view(),
        name="interview-status",
    ),
    path(
        "v1/interviews/<id:interview_id>/sentences/confirm/",
        interview_commands.BulkConfirm.as_view(),
        name="interview-bulk-confirm",
    ),
    path(
        "v1/interviews/<id:interview_id>/sentences/",
        sentences.InterviewSentences.as_view(),
        name="interview-sentences",
    ),
    path("v1/sentences/<id:sentence_id>/", sentences.SentenceDetail.as_view(), name="sentence"),
    path(
        "v1/sentences/<id:sentence_id>/history/",
        history.SentenceHistory.as_view(),
        name="sentence-history",
    ),
    *(
        path(f"v1/sentences/<id:sentence_id>/{name}/", view.as_view(), name=f"sentence-{name}")
        for name, view in (
            ("edit", corrections.Edit),
            ("override", corrections.Override),
            ("revert", corrections.Revert),
            ("clear", corrections.Clear),
            ("confirm", corrections.Confirm),
        )
    ),
    path(
        "v1/projects/<id:project_id>/domain-keywords/",
        projects.ProjectKeywords.as_view(),
        name="project-keywords",
    ),
    *(
        path(
            f"v1/{scope}s/<id:{scope}_id>/export.{file_format}",
            view.as_view(),
            {"file_format": file_format},
            name=f"{scope}-export-{file_format}",
        )
        for scope, view in (
            ("interview", exports.InterviewExport),
            ("project", exports.ProjectExport),
        )
        for file_format in ("csv", "jsonl")
    ),
    path("v1/uploads/<str:task_id>/", uploads.UploadStatus.as_view(), name="upload-status"),
    path("v1/graph/", include("graph.urls")),
]
