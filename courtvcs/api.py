"""The JSON API under /api/: one NinjaAPI, a router per app, errors mapped in one place.

Shape errors (types, required fields) are answered 422 with a message per field in the
caller's language; domain errors carry their own status (400, 403, 404, 409 naming the
rule). Nothing the caller sends can produce a 500.
"""

import json
import logging
import math

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from courtvcs.errors import DomainError
from courtvcs.ops.refusals import refused

log = logging.getLogger(__name__)



class UnicodeJSONRenderer(JSONRenderer):
    # Kazakh and Russian text stays readable in the responses instead of \u escapes.
    json_dumps_params = {"ensure_ascii": False}


class _Unusable:
    """Stands in for a value the database cannot hold (see _usable)."""

    def __repr__(self) -> str:
        return "<a value the database cannot hold>"


UNUSABLE = _Unusable()
_INT64 = 2**63


def _usable(value):
    """`value` with every part the database cannot hold replaced by UNUSABLE.

    PostgreSQL stores no NUL character, UTF-8 has no lone surrogate, a 64-bit column holds
    no larger integer and a JSON column no NaN or infinity. No schema field accepts
    UNUSABLE, so such input is answered 422 on its own field instead of failing as a 500.
    """
    if isinstance(value, str):
        return value if _storable(value) else UNUSABLE
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else UNUSABLE
    if isinstance(value, float):
        return value if math.isfinite(value) else UNUSABLE
    if isinstance(value, list):
        return [_usable(v) for v in value]
    if isinstance(value, dict):
        if not all(_storable(k) for k in value):
            return UNUSABLE
        return {k: _usable(v) for k, v in value.items()}
    return value


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StorableParser(Parser):
    def parse_body(self, request):
        return _usable(json.loads(request.body))

    def parse_querydict(self, data, list_fields, request):
        return _usable(super().parse_querydict(data, list_fields, request))


# What every refusal looks like (courtvcs.errors and the handlers below). A 409 names the
# Rule and may carry machine-readable details (e.g. the bookings in the way), hence the
# open object.
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "rule": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "code": {"type": "string"},
    },
}
ERROR_RESPONSES = {
    400: "The input is well-formed but wrong, or the body is not JSON.",
    401: "Not signed in.",
    403: "The caller's role or organisation does not allow this.",
    404: "No such object, or not one the caller may see.",
    409: "The Rules do not allow this now; `rule` names the point.",
    422: "The input does not have the required shape; `fields` says what is wrong where.",
}
# The operations that check a password: too many failures lock sign-in (django-axes).
LOCKOUT_RESPONSE = (429, "Too many failed sign-ins: locked for a while; `code` is `signin_locked`.")
CHECKS_A_PASSWORD = ("/auth/login", "/auth/confirm")


class CourtApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema with the error answers every operation may give, so that clients
        (and contract tests) can rely on it for the refusals as for the successes."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema["paths"].items():
            refusals = dict(ERROR_RESPONSES)
            if path.endswith(CHECKS_A_PASSWORD):
                refusals[LOCKOUT_RESPONSE[0]] = LOCKOUT_RESPONSE[1]
            for operation in operations.values():
                for status, description in refusals.items():
                    operation["responses"].setdefault(status, {"description": description,
                                                               "content": error})
        return schema


api = CourtApi(title="courtvcs", version="1", auth=django_auth, urls_namespace="api",
               renderer=UnicodeJSONRenderer(), parser=StorableParser(),
               description="Hearings by videoconference under the Rules of the courts of Kazakhstan.")

# Pydantic error types -> a message people understand, translated.
FIELD_MESSAGES = {
    "missing": lambda e: _("This field is required."),
    "string_too_short": lambda e: _("Too short."),
    "string_too_long": lambda e: _("Too long."),
    "int_parsing": lambda e: _("Enter a whole number."),
    "int_type": lambda e: _("Enter a whole number."),
    "bool_parsing": lambda e: _("Enter true or false."),
    "bool_type": lambda e: _("Enter true or false."),
    "datetime_parsing": lambda e: _("Enter a date and time, e.g. 2026-12-01T10:00+05:00."),
    "datetime_from_date_parsing": lambda e: _("Enter a date and time, e.g. 2026-12-01T10:00+05:00."),
    "datetime_type": lambda e: _("Enter a date and time, e.g. 2026-12-01T10:00+05:00."),
    "date_parsing": lambda e: _("Enter a date, e.g. 2010-05-31."),
    "date_from_datetime_parsing": lambda e: _("Enter a date, e.g. 2010-05-31."),
    "date_type": lambda e: _("Enter a date, e.g. 2010-05-31."),
    "enum": lambda e: _("Choose one of: %(values)s.") % {"values": e.get("ctx", {}).get("expected", "")},
    "literal_error": lambda e: _("Choose one of: %(values)s.") % {"values": e.get("ctx", {}).get("expected", "")},
    "greater_than_equal": lambda e: _("Must be at least %(n)s.") % {"n": e.get("ctx", {}).get("ge", "")},
    "less_than_equal": lambda e: _("Must be at most %(n)s.") % {"n": e.get("ctx", {}).get("le", "")},
    "greater_than": lambda e: _("Must be more than %(n)s.") % {"n": e.get("ctx", {}).get("gt", "")},
    "value_error": lambda e: _("Invalid value."),
    "value_error.email": lambda e: _("Enter a valid e-mail address."),
    "timezone_aware": lambda e: _("Give the time with its zone, e.g. +05:00."),
    "list_type": lambda e: _("Enter a list."),
    "model_attributes_type": lambda e: _("Send a JSON object."),
    "dict_type": lambda e: _("Send a JSON object."),
    "json_invalid": lambda e: _("The request body is not valid JSON."),
}


def _field_message(error: dict) -> str:
    maker = FIELD_MESSAGES.get(error.get("type", ""))
    if maker is None and "email" in str(error.get("msg", "")).lower():
        maker = FIELD_MESSAGES["value_error.email"]
    return str(maker(error)) if maker else _("Invalid value.")


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), _field_message(error))
    return api.create_response(request, {"detail": _("Please correct the marked fields."),
                                         "fields": fields}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    if exc.status in (403, 404):
        refused(exc.status, exc.message, request=request)
    return api.create_response(request, exc.payload(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(request, {"detail": _("Please sign in.")}, status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    refused(403, "not permitted", request=request)
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(DjangoValidationError)
def on_django_validation(request, exc: DjangoValidationError):
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    # The database went away in the middle of the request (a failover, a killed connection).
    # Nothing is half-written (one transaction), but the change may have committed just
    # before the connection went: the person checks, or repeats it with the same
    # Idempotency-Key and gets the first answer. An outage, not a bug: 503, not 500.
    log.error("database unavailable during %s %s: %s",
                                            request.method, request.path, type(exc).__name__)
    response = api.create_response(request, {"detail": _("The database did not answer, so it is not known whether "
                                                         "this was saved. Check, and try again in a moment.")}, status=503)
    response["Retry-After"] = "5"
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")  # django-ninja's own words, untranslated
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


class AnythingConverter:
    regex = r"[\s\S]+"  # Django's own "path" stops at a newline

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnythingConverter, "anything")

# Registered last: a URL under /api/ that no router knows is a JSON 404, not an HTML page.
unknown_router = Router()


@unknown_router.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{anything:rest}",
                              auth=None, include_in_schema=False)
def unknown_url(request, rest: str):
    raise Http404


def _register_routers() -> None:
    from courtvcs.audit.api import router as audit_router
    from courtvcs.documents.api import router as documents_router
    from courtvcs.hearings.api import router as hearings_router
    from courtvcs.interrogations.api import router as interrogations_router
    from courtvcs.notifications.api import router as notifications_router
    from courtvcs.orgs.api import auth_router, router as orgs_router
    from courtvcs.suspensions.api import router as suspensions_router

    api.add_router("/auth/", auth_router)
    api.add_router("/", orgs_router)
    api.add_router("/", hearings_router)
    api.add_router("/", suspensions_router)
    api.add_router("/", interrogations_router)
    api.add_router("/", notifications_router)
    api.add_router("/", audit_router)
    api.add_router("/", documents_router)
    api.add_router("/", unknown_router)


_register_routers()
