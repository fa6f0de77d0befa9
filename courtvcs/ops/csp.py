"""The Content Security Policy of each answer: settings.SECURE_CSP, and in connect-src the
WebSocket origins a page of this host opens.

'self' covers the page's own ws(s):// origin in current Chromium and Firefox, not in every
browser; and the Janus pool's WebSocket URLs name "{host}", the host the page was served
from, which is known only per request.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware import csp
from django.http.request import split_domain_port


def janus_origins(hostname: str) -> list[str]:
    """The origins of the pool's browser-facing WebSocket URLs, "{host}" being hostname."""
    origins = []
    for server in settings.COURTVCS_JANUS_SERVERS:
        url = urlsplit(server.get("ws", "").replace("{host}", hostname))
        if url.scheme in {"ws", "wss"} and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return origins


def connect_origins(request) -> list[str]:
    try:
        host = request.get_host()
    except DisallowedHost:
        return []
    own = f"{'wss' if request.is_secure() else 'ws'}://{host}"
    return [own, *janus_origins(split_domain_port(host)[0])]


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    def process_response(self, request, response):
        policy = settings.SECURE_CSP
        if policy and not hasattr(response, "_csp_config") and "connect-src" in policy:
            extra = [o for o in connect_origins(request) if o not in policy["connect-src"]]
            response._csp_config = {**policy, "connect-src": [*policy["connect-src"], *dict.fromkeys(extra)]}
        return super().process_response(request, response)
