"""Health and metrics endpoints (docs/architecture.md, Projections; Standing rule 6: they existed in
code but were never exposed).

Plain function views, no login: load balancers, orchestrators and Prometheus call them without a
session. They touch nothing but what they report on, so they answer — with 503 and the error —
when the database or the event store is down, instead of failing with a 500 page.
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from access import throttle
from projections.health import observe, readiness_report
from projections.observability import metrics_text


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. Without METRICS_TOKEN anyone who reaches the web port may scrape:
    in production set the token, or keep /metrics off the public network (network policy)."""
    token = settings.METRICS_TOKEN
    if token:
        # Bad tokens are counted per address like the API's (access.throttle).
        refused = throttle.token_refusal(request)
        if refused is not None:
            response = HttpResponse(f"{refused.message}\n", status=429)
            response["Retry-After"] = str(refused.retry_after)
            return response
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            throttle.record_token_failure(request)
            response = HttpResponse("metrics need a bearer token\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests: nothing else is looked at, so an outage of the
    database does not get a healthy web process restarted."""
    return JsonResponse({"status": "ok"})


@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """200 when the database and the event store answer and no projection lane is stalled."""
    seen = observe()
    return JsonResponse(readiness_report(seen), status=200 if seen.ready else 503)
