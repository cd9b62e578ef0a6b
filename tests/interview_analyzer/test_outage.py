"""A database outage anywhere in a request is a 503 with Retry-After, never a 500.

The real outage — PostgreSQL stopped under load — is tests/faults/test_postgres_restart.py. These
tests raise the driver's own errors where that test cannot aim at will: in a view, in a DRF view
with and without the middleware, and in a middleware after the view (a session saved on the way
out), for a page and for the API.
"""

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import EVENT_STORE_UNAVAILABLE
from api.problems import PROBLEM
from common.outage import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from events.store import EventStoreUnavailable

REFUSED = 'connection to server at "10.0.0.7", port 5432 failed: Connection refused'


def refused(request: HttpRequest) -> HttpResponse:
    raise OperationalError(REFUSED)


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


def fine(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


class Failing(APIView):
    """An API view failing with the error named in the URL, before touching the database."""

    authentication_classes = permission_classes = throttle_classes = ()
    errors = {"database": OperationalError(REFUSED), "store": EventStoreUnavailable("down")}

    def get(self, request: Request, error: str) -> Response:
        raise self.errors[error]


class DroppedOnTheWayOut:
    """Database work after the view that finds the connection gone, as a session save may."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.get_response(request)
        raise InterfaceError("connection already closed")


urlpatterns = [
    path("page/", refused),
    path("bug/", broken),
    path("fine/", fine),
    path("api/v1/plain/", refused),
    path("api/v1/drf/<str:error>/", Failing.as_view()),
]
WITHOUT_OUTAGE_MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("OutageMiddleware")]
DROPPING = f"{__name__}.DroppedOnTheWayOut"

pytestmark = pytest.mark.urls(__name__)


def get(url: str) -> HttpResponse:
    # Django's test client re-raises a view's error by default; a server answers it instead.
    return Client(raise_request_exception=False).get(url)


def assert_unavailable(response: HttpResponse) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "10.0.0.7" not in response.content.decode()  # the driver's message stays in the log


def test_a_page_whose_view_finds_the_database_down_is_the_503_page():
    response = get("/page/")
    assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")
    assert DATABASE_UNAVAILABLE in response.content.decode()


def test_a_plain_view_under_the_api_prefix_answers_a_problem():
    response = get("/api/v1/plain/")
    assert_unavailable(response)
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == DATABASE_UNAVAILABLE


@override_settings(MIDDLEWARE=WITHOUT_OUTAGE_MIDDLEWARE)
def test_the_api_answers_a_database_outage_itself_as_a_problem():
    response = get("/api/v1/drf/database/")
    assert_unavailable(response)
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert (problem["status"], problem["title"]) == (503, "Service unavailable")
    assert problem["detail"] == DATABASE_UNAVAILABLE


def test_every_503_of_the_api_says_when_to_try_again():
    response = get("/api/v1/drf/store/")
    assert_unavailable(response)
    assert response.json()["detail"] == EVENT_STORE_UNAVAILABLE  # not the backend's "down"


@override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, DROPPING])
def test_an_outage_in_a_middleware_after_the_view_is_a_503_too():
    response = get("/fine/")
    assert_unavailable(response)
    assert DATABASE_UNAVAILABLE in response.content.decode()


@override_settings(MIDDLEWARE=[*WITHOUT_OUTAGE_MIDDLEWARE, DROPPING])
def test_without_the_middleware_it_would_be_a_500():
    assert get("/fine/").status_code == 500


def test_a_bug_stays_a_500():
    assert get("/bug/").status_code == 500
