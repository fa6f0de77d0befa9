"""The access matrix: every API operation and every page, enumerated from the OpenAPI schema
and the URL resolver, each asked for by every role against objects of its own and of another
court, institution and hearing.

A cell is (route, person, object). Its outcome is "allow" (2xx), "deny" (401, 403, 404, or a
page sending the visitor to sign in), or "n/a" (405: the route does not answer GET). Any 5xx
fails. A route the tables below do not name fails the test: a new route needs its entry.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from courtvcs.api import api

# Who asks: None is anonymous; the rest are attributes of the test world (world.py).
PEOPLE = {
    "anonymous": None,
    "secretary": "secretary", "judge": "judge", "other_judge": "other_judge", "bailiff": "bailiff",
    "technician": "technician", "office_head": "office_head",
    "coordinator": "coordinator", "other_coordinator": "other_coordinator",
    "dep_coordinator": "dep_coordinator",
    "officer": "officer", "sizo_technician": "sizo_technician", "other_officer": "other_officer",
    "remote_secretary": "burabay_secretary",
    "other_secretary": "other_secretary", "other_technician": "other_technician",
    "supreme_judge": "supreme_judge",
}


@dataclass(frozen=True)
class Route:
    kind: str  # "api" or "page"
    method: str
    path: str  # with {name} placeholders

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def __str__(self) -> str:
        return f"{self.kind} {self.method} {self.path}"


def api_routes() -> list[Route]:
    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        for method in operations:
            routes.append(Route("api", method.upper(), path))
    return routes


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in ("admin/", "api/"):
                continue  # the admin is Django's own (staff only); the API comes from its schema
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def page_routes() -> list[Route]:
    routes = []
    for pattern in _walk(get_resolver().url_patterns):
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
        routes.append(Route("page", "GET", path))
    return routes
