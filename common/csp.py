"""The Content-Security-Policy every response carries (sent by
`interview_analyzer.csp.ContentSecurityPolicyMiddleware`).

Our pages load scripts and styles from our own static files only: no inline `<script>`, no
`on...=` or `hx-on` attributes, no `style=` (`templates/`; htmx's own indicator `<style>` is
turned off in base.html). So the policy allows 'self' and nothing inline, which makes an
injected script inert even if escaping ever failed.

Two pages we do not write need more, and only they get it:
- DRF's browsable API puts `style=` attributes and a `<style>` in its pages: inline styles (not
  scripts) for the responses its renderer made;
- the Swagger UI at /api/docs/ loads its bundle from the CDN drf-spectacular points at, and the
  split view serves its start-up script from our own URL instead of inline.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpRequest, HttpResponse

Directives = dict[str, tuple[str, ...]]

POLICY: Directives = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
INLINE_STYLES: Directives = {"style-src": ("'unsafe-inline'",)}


def render(directives: Directives) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def extended(*extras: Directives) -> Directives:
    """POLICY with each of `extras`' sources added to its directives."""
    merged = dict(POLICY)
    for extra in extras:
        for name, values in extra.items():
            merged[name] = (*merged.get(name, ()), *values)
    return merged


def csp_allow(**extra: Iterable[str]) -> Callable:
    """Decorate a view whose page needs more than POLICY: `csp_allow(script_src=[...])`."""
    directives = {name.replace("_", "-"): tuple(values) for name, values in extra.items()}

    def decorate(view: Callable) -> Callable:
        @wraps(view)  # keeps csrf_exempt and DRF's view attributes
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.csp_extra = directives
            return response

        return wrapped

    return decorate
