"""A sentence's history (stub: being written)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def history(request: HttpRequest, sentence_id: str) -> HttpResponse:
    return HttpResponse("history")


urlpatterns = [path("sentences/<uuid:sentence_id>/history/", history, name="history")]
