"""Sends the Content-Security-Policy (`common.csp`) on every response, with what a view asked
for through `csp_allow` and inline styles for DRF's browsable API."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.renderers import BrowsableAPIRenderer

from common.csp import INLINE_STYLES, Directives, extended, render


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = render(extended(*self._extras(response)))
        return response

    @staticmethod
    def _extras(response: HttpResponse) -> list[Directives]:
        extras = [getattr(response, "csp_extra", {})]
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            extras.append(INLINE_STYLES)
        return extras
