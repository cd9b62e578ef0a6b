"""A project's dashboard (stub: being written)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("dashboard")


urlpatterns = [path("projects/<slug:slug>/dashboard/", dashboard, name="dashboard")]
