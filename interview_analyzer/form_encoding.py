"""A form or query string that is not UTF-8 is a 400, not text with U+FFFD in it.

Django decodes percent-encoded form fields and query parameters with errors="replace": a
request carrying `%ED%A0%80` (the UTF-8 spelling of a lone surrogate, which is not valid UTF-8)
would reach a form as three U+FFFD and be recorded as if the user had typed them. This middleware
refuses such a request before any view reads it, naming the parameter, so a form or query
string reaches a view exactly as the client sent it or not at all. JSON bodies need nothing:
DRF decodes them strictly (a 400). Multipart fields are decoded by Django's parser, which this
does not re-read (an upload may be megabytes); their text is checked by the fields' validators.
"""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from api.problems import API_ROOT, problem_response

FORM = "application/x-www-form-urlencoded"


def undecodable_parameter(encoded: bytes) -> str | None:
    """The (readable part of the) name of the first parameter of a percent-encoded
    `a=1&b=2` string whose name or value is not UTF-8; None when every one is."""
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        raw_name = unquote_to_bytes(name.replace(b"+", b" "))
        try:
            raw_name.decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return raw_name.decode("utf-8", errors="replace")
    return None


class FormEncodingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # WSGI hands the query string over as latin-1: encoding it back gives the raw bytes.
        query = request.META.get("QUERY_STRING", "").encode("iso-8859-1", errors="replace")
        if (name := undecodable_parameter(query)) is not None:
            return _refused(request, name, "query parameter")
        if request.content_type == FORM and request.method not in ("GET", "HEAD"):
            try:
                body = request.body
            except RequestDataTooBig:
                return self.get_response(request)  # answered where the form is read
            if (name := undecodable_parameter(body)) is not None:
                return _refused(request, name, "form field")
        return self.get_response(request)


def _refused(request: HttpRequest, name: str, kind: str) -> HttpResponse:
    detail = f"The {kind} {name!r} is not valid UTF-8 text."
    if request.path.startswith(API_ROOT):
        return problem_response(400, detail, errors={name: [detail]})
    return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
