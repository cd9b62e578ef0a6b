"""The operations page for admins (stub: being written)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def operations(request: HttpRequest) -> HttpResponse:
    return HttpResponse("operations")


urlpatterns = [path("operations/", operations, name="operations")]
