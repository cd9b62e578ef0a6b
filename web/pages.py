"""The pages around the review: projects, and the interviews of a project with their progress."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from access.permissions import Role, require
from access.selectors import visible_project_ids
from readmodel.models import Interview, Project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.filter(id__in=visible_project_ids(user=request.user))
        .annotate(interview_count=Count("interviews", filter=~Q(interviews__status="archived")))
        .order_by("name")
    )
    return render(request, "web/projects.html", {"projects": projects})


@login_required
def interview_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, role = project_and_role(request, slug, Role.VIEWER)
    show_archived = request.GET.get("archived") == "1"
    interviews = Interview.objects.filter(project=project).order_by("-created_at", "id")
    if not show_archived:
        interviews = interviews.exclude(status="archived")
    context = {
        "project": project,
        "interviews": interviews,
        "show_archived": show_archived,
        "can_upload": role.allows(Role.REVIEWER),
    }
    # htmx polls the table while an interview is being analysed (progress without a reload).
    template = "web/_interview_rows.html" if request.htmx else "web/interviews.html"
    return render(request, template, context)


def project_for(request: HttpRequest, slug: str, role: Role) -> Project:
    """The project if the user holds `role` in it: 404 for non-members, 403 for a lower role."""
    return project_and_role(request, slug, role)[0]


def project_and_role(request: HttpRequest, slug: str, role: Role) -> tuple[Project, Role]:
    """`project_for`, and the role the user holds (which may be higher than `role`)."""
    project = get_object_or_404(Project, slug=slug)
    return project, require(user=request.user, project_id=project.id, role=role)


urlpatterns = [
    path("projects/", project_list, name="projects"),
    path("projects/<slug:slug>/", interview_list, name="interviews"),
]
