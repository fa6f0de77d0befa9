"""/healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus.

No session, no personal data, no translation: these answer machines.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import metrics, readiness

# Headers a reverse proxy adds: a request that carries one came through a proxy, even if
# the proxy runs on this machine and its connection comes from the loopback address.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


@require_safe
@never_cache
def healthz(request):
    """The process is alive and answers (no database: a database outage must not get every
    node restarted). The pre-call check also times its round trips against it."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    """Whether this node should get traffic: 200 when every check passes, 503 otherwise."""
    ready, checks = readiness.report()
    response = JsonResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status=200 if ready else 503)
    # The failing check is logged once by readiness.py; Django's own "Service Unavailable"
    # error line at every probe of a load balancer would bury it during an outage.
    response._has_been_logged = True
    return response


def _may_scrape(request) -> tuple[bool, int]:
    token = settings.COURTVCS_METRICS_TOKEN
    if token:
        scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
        good = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
        return good, 401
    try:
        loopback = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        loopback = False
    proxied = any(name in request.headers for name in PROXY_HEADERS)
    return loopback and not proxied, 403


@require_safe
@never_cache
def metrics_view(request):
    """Prometheus exposition of this process: a bearer token (COURTVCS_METRICS_TOKEN), or,
    when none is set, only a scraper on this machine talking to the node directly."""
    allowed, refusal = _may_scrape(request)
    if not allowed:
        response = HttpResponse("metrics: not allowed\n", status=refusal, content_type="text/plain")
        if refusal == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST)
