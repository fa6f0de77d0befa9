"""Adding a participant to a hearing before its day (R7: the persons taking part)."""

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput

from .. import access
from ..choices import ParticipationMode
from ..models import Participant
from .booking import ParticipantInput
from .workflow import guard, record_event


@transaction.atomic
def add_participant(*, actor, hearing_id: int, person: ParticipantInput) -> Participant:
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    guard(hearing, "edit_participants", actor)
    site = None
    if person.mode == ParticipationMode.REMOTE_SITE:
        site = hearing.remote_sites.filter(endpoint_id=person.remote_endpoint_id).first()
        if site is None:
            raise InvalidInput(_("A participant at a remote site must name one of the hearing's remote sites."),
                               {"remote_endpoint_id": _("Not a remote site of this hearing.")})
    if person.mode == ParticipationMode.MOBILE_VCS and not (person.phone or person.email):
        raise InvalidInput(_("Mobile VCS needs a phone number or an e-mail."),
                           {"phone": _("Mobile VCS needs a phone number or an e-mail.")})
    participant = Participant.objects.create(
        hearing=hearing, full_name=person.full_name.strip(), procedural_role=person.procedural_role,
        mode=person.mode, remote_site=site, phone=person.phone, email=person.email,
        date_of_birth=person.date_of_birth)
    audit_record(actor=actor, action="participant_added", obj=participant, hearing_id=hearing.pk,
                 after=snapshot(participant))
    record_event(hearing, "participant_added", actor, data={"participant": participant.pk,
                                                            "mode": participant.mode})
    return participant
