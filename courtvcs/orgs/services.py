"""Write paths for endpoints (R14) and people's preferences."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import Forbidden, InvalidInput, NotFound

from .choices import TECHNICIAN_ROLES, Language
from .models import Endpoint, EndpointBlock, EndpointStatusChange, User


def _own_endpoint(actor: User, endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(_("No such endpoint."))
    if actor.role not in TECHNICIAN_ROLES or endpoint.organisation_id != actor.organisation_id:
        raise Forbidden(_("Only a technical specialist of the endpoint's own court or institution "
                          "may change it (R14)."))
    return endpoint


@transaction.atomic
def set_endpoint_status(*, actor: User, endpoint_id: int, status: str, note: str = "") -> Endpoint:
    """R14: the technical specialist says whether the equipment is operable."""
    endpoint = _own_endpoint(actor, endpoint_id)
    if endpoint.status == status:
        return endpoint
    before = snapshot(endpoint, ["status"])
    now = kztime.now()
    EndpointStatusChange.objects.create(endpoint=endpoint, at=now, by=actor, from_status=endpoint.status,
                                        to_status=status, note=note.strip())
    endpoint.status, endpoint.status_changed_at = status, now
    endpoint.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="endpoint_status", obj=endpoint, rule="R14", before=before,
                 after=snapshot(endpoint, ["status"]))
    return endpoint


@transaction.atomic
def block_endpoint(*, actor: User, endpoint_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                   reason: str) -> EndpointBlock:
    """Close an endpoint for maintenance; bookings in the period are refused (R10)."""
    endpoint = _own_endpoint(actor, endpoint_id)
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must be after the start."), {"ends_at": _("After the start.")})
    if not reason.strip():
        raise InvalidInput(_("Give the reason."), {"reason": _("Required.")})
    block = EndpointBlock.objects.create(endpoint=endpoint, starts_at=starts_at, ends_at=ends_at,
                                         reason=reason.strip(), created_by=actor)
    audit_record(actor=actor, action="endpoint_blocked", obj=block, rule="R14", after=snapshot(block))
    return block


@transaction.atomic
def set_language(*, actor: User, language: str) -> User:
    if language not in Language.values:
        raise InvalidInput(_("Unknown language."), {"language": _("Choose kk, ru or en.")})
    before = snapshot(actor, ["language"])
    actor.language = language
    actor.save(update_fields=["language"])
    audit_record(actor=actor, action="language_set", obj=actor, before=before, after={"language": language})
    return actor
