"""The `Idempotency-Key` header on the POSTs that create hearings, petitions, acts and
signatures.

- same key, same route and body: the stored answer (status and body), no second record;
- same key, another route or body: 422;
- same key while the first request is still running: 409 "in progress" (retry later);
- no header: the request runs as always. Answers 5xx are not kept, so a retry runs again.
Keys belong to the signed-in person and expire after COURTVCS_IDEMPOTENCY_KEY_HOURS.
"""

import re

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from . import services

IDEMPOTENT_ROUTES = [
    re.compile(r"^/api/hearings$"),
    re.compile(r"^/api/petitions$"),
    re.compile(r"^/api/hearings/\d+/acts$"),
    re.compile(r"^/api/acts/\d+/sign$"),
]
MAX_KEY_LENGTH = 255


def idempotent_route(path: str) -> bool:
    return any(p.match(path) for p in IDEMPOTENT_ROUTES)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        user = getattr(request, "user", None)
        if (key is None or request.method != "POST" or not idempotent_route(request.path_info)
                or user is None or not user.is_authenticated):
            return self.get_response(request)
        key = key.strip().strip('"')
        if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
            return JsonResponse({"detail": _("The Idempotency-Key header is not usable."),
                                 "fields": {"Idempotency-Key": _("Invalid value.")}}, status=422)
        digest = services.request_hash(route=request.path_info, body=request.body)
        record, mine = services.claim(user=user, key=key, route=request.path_info, digest=digest)
        if not mine:
            return self._replay(record, request.path_info, digest)
        try:
            response = self.get_response(request)
        except BaseException:
            services.release(record=record)
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            services.release(record=record)
        else:
            services.store_answer(record=record, status=response.status_code,
                                  body=bytes(response.content),
                                  content_type=response.get("Content-Type", "application/json"))
        return response

    @staticmethod
    def _replay(record, route: str, digest: str):
        if record.route != route or record.request_hash != digest:
            return JsonResponse({"detail": _("This Idempotency-Key was used for another request."),
                                 "fields": {"Idempotency-Key": _("Invalid value.")}}, status=422,
                                json_dumps_params={"ensure_ascii": False})
        if record.status is None:
            response = JsonResponse({"detail": _("A request with this Idempotency-Key is still in progress; retry later.")},
                                    status=409)
            response["Retry-After"] = "1"
            return response
        response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response



