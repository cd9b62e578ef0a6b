"""Uploading from the browser (stub: being written)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def upload(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("upload")


urlpatterns = [path("projects/<slug:slug>/upload/", upload, name="upload")]
