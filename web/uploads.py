"""Uploading a transcript from the browser, and watching the pipeline get through it.

The same service as the REST API (`ingestion.accept.accept_upload`), so the file is validated in
full before the answer: a refused file re-renders the form naming the problem, and nothing is
queued or recorded. An accepted file is queued for the pipeline and the uploader is sent to its
progress page, which polls itself (htmx) until the upload has reached a final state.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import Role, require
from commands.errors import NotFound
from ingestion.accept import UploadRefused, accept_file
from ingestion.models import Upload
from ingestion.selectors import upload_status
from readmodel.models import Project
from web.pages import project_for

# States of `upload_status` after which the task changes nothing any more.
FINAL_STATES = frozenset({"done", "failed", "rejected", "error"})
# Interview statuses of the read model while the pipeline still works on it.
_IN_PROGRESS = frozenset({"uploaded", "processing"})
# Answered to htmx's poll once nothing will change: htmx stops polling on this status.
STOP_POLLING = 286


class UploadForm(forms.Form):
    # An empty file is let through so that the pipeline's own check names the problem, in the
    # same words as the API and the CLI, instead of Django's generic "the file is empty".
    file = forms.FileField(label="Transcript", allow_empty_file=True)
    title = forms.CharField(label="Title (optional)", required=False, max_length=300)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, Role.REVIEWER)
    if request.method != "POST":
        return _form_page(request, project, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, project, form, status=400)
    try:
        accepted = accept_file(
            form.cleaned_data["file"],
            project_id=project.id,
            user=request.user,
            title=form.cleaned_data["title"] or None,
        )
    except UploadRefused as e:
        form.add_error("file", e.message)
        return _form_page(request, project, form, status=e.status)
    except NotFound as e:  # the read model shows a project the log does not have
        raise Http404(str(e)) from e
    # 303: the browser GETs the progress page, and a reload there does not upload again.
    return HttpResponseRedirect(reverse("upload-progress", args=[accepted.task_id]), status=303)


@login_required
@require_GET
def upload_progress(request: HttpRequest, task_id: str) -> HttpResponse:
    """The page, or (for htmx's poll) the state partial; the poll is told to stop once the
    upload is final."""
    upload = get_object_or_404(Upload.objects.select_related("uploaded_by"), task_id=task_id)
    role = require(user=request.user, project_id=upload.project_id, role=Role.VIEWER)
    status = upload_status(upload)
    finished = is_finished(status)
    context = {
        "status": status,
        "finished": finished,
        "project": Project.objects.filter(id=upload.project_id).first(),
        "can_upload": role.allows(Role.REVIEWER),
    }
    if request.htmx:
        answer = STOP_POLLING if finished else 200
        return render(request, "web/_upload_state.html", context, status=answer)
    return render(request, "web/upload_progress.html", context)


def is_finished(status: dict[str, Any]) -> bool:
    """Nothing more to show: the task has ended and, when it recorded an interview, the read
    model shows how it ended — a task done while the projection still catches up would
    otherwise leave the bars frozen short of the end."""
    if status["state"] not in FINAL_STATES:
        return False
    if status["state"] in ("rejected", "error"):
        return True
    interview = status["interview"]
    return interview is not None and interview["status"] not in _IN_PROGRESS


def _form_page(
    request: HttpRequest, project: Project, form: UploadForm, status: int = 200
) -> HttpResponse:
    context = {
        "project": project,
        "form": form,
        "max_mb": settings.INGEST_MAX_BYTES / (1024 * 1024),
    }
    return render(request, "web/upload.html", context, status=status)


urlpatterns = [
    path("projects/<slug:slug>/upload/", upload, name="upload"),
    path("uploads/<str:task_id>/", upload_progress, name="upload-progress"),
]
