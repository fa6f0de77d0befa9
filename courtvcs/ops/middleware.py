"""One middleware around every HTTP request: its id, its log context, its metrics.

It comes first in settings.MIDDLEWARE so that it sees every answer, the static files'
and the errors' included.
"""

import logging
import re
import time
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

from . import logs, metrics

logger = logging.getLogger("courtvcs.request")

# A load balancer's or a caller's id is kept if it looks like one; anything else is replaced
# (it goes into logs and headers: no spaces, no control characters, bounded length).
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def route_of(request) -> str:
    """The URL pattern's name, or its route: a label that does not grow with ids or tokens."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name if match.url_name else (match.route or "unnamed")
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


class RequestContextMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.log_requests = getattr(settings, "COURTVCS_REQUEST_LOG", False)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        started, token = self._begin(request)
        try:
            response = self.get_response(request)
            self._end(request, response, started)
            return response
        finally:
            logs.unbind(token)

    async def __acall__(self, request):
        started, token = self._begin(request)
        try:
            response = await self.get_response(request)
            self._end(request, response, started)
            return response
        finally:
            logs.unbind(token)

    @staticmethod
    def _begin(request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")  # (request.headers would build them all)
        request.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        return time.perf_counter(), logs.bind(request)

    def _end(self, request, response, started: float) -> None:
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = request.request_id
        route = route_of(request)
        metrics.request_answered(request.method, route, response.status_code, seconds)
        if self.log_requests:
            logger.info("%s %s %s %.1f ms", request.method, route, response.status_code, seconds * 1000,
                        extra={"method": request.method, "route": route, "status": response.status_code,
                               "duration_ms": round(seconds * 1000, 1)})
