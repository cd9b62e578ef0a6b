"""The review page (stub: being written)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def review(request: HttpRequest, interview_id: str) -> HttpResponse:
    return HttpResponse("review")


urlpatterns = [path("interviews/<uuid:interview_id>/", review, name="review")]
