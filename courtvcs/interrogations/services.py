"""R25-R27: a request to question a victim or witness remotely.

The request needs at least one ground of R27 (a minor: with the date of birth, under 14
or under 18 on the hearing date), and the district where the person is or lives; the
court of that district is proposed as the remote site (R26) and, once accepted, joins
the hearing as a remote site with the technical-possibility check of any booking (R10).
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput, NotFound, RuleViolation
from courtvcs.hearings import access
from courtvcs.hearings.choices import DeadlineKind, HearingStatus, ParticipationMode
from courtvcs.hearings.models import Participant, RemoteSite
from courtvcs.hearings.services import deadlines
from courtvcs.hearings.services.booking import assert_possible, hearing_endpoints, hold_endpoints
from courtvcs.hearings.services.preparation import test_deadline
from courtvcs.hearings.services.workflow import apply, guard, record_event
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import OrgKind, Role
from courtvcs.orgs.models import District, Endpoint, Organisation, User

from .choices import AgeBand, Ground, PersonRole
from .models import InterrogationRequest


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def court_for_district(district: District) -> Organisation | None:
    """R26: the court of the district where the person is or lives (else the region's court)."""
    court = (Organisation.objects.filter(kind=OrgKind.DISTRICT_COURT, district=district)
             .order_by("pk").first())
    if court is None:
        court = (Organisation.objects.filter(kind=OrgKind.DISTRICT_COURT, region_id=district.region_id)
                 .order_by("pk").first())
    return court


@transaction.atomic
def request_interrogation(*, actor, hearing_id: int, person_name: str, person_role: str,
                          grounds: Sequence[str], district_id: int,
                          date_of_birth: dt.date | None = None, note: str = "") -> InterrogationRequest:
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    guard(hearing, "request_interrogation", actor)
    grounds = list(dict.fromkeys(grounds))
    if not grounds:
        raise RuleViolation("R27", _("Remote interrogation needs at least one of the grounds of R27."))
    bad = [g for g in grounds if g not in Ground.values]
    if bad:
        raise InvalidInput(_("Unknown ground."), {"grounds": ", ".join(bad)})
    if date_of_birth is not None and date_of_birth > kztime.local_date(kztime.now()):
        raise InvalidInput(_("A date of birth cannot be in the future."),
                           {"date_of_birth": _("A date of birth cannot be in the future.")})
    age_band = ""
    if Ground.MINOR in grounds:
        if date_of_birth is None:
            raise InvalidInput(_("A minor's date of birth is needed."),
                               {"date_of_birth": _("Required for the ground “minor”.")})
        age = age_on(date_of_birth, kztime.local_date(hearing.starts_at))
        if age >= 18 or age < 0:
            raise RuleViolation("R27", _("The person is not a minor on the hearing date (age %(age)s).")
                                % {"age": age})
        age_band = AgeBand.UNDER_14 if age < 14 else AgeBand.UNDER_18
    district = District.objects.select_related("region").filter(pk=district_id).first()
    if district is None:
        raise InvalidInput(_("Choose the district where the person is or lives."),
                           {"district_id": _("Unknown district.")})
    court = court_for_district(district)
    if court is None:
        raise RuleViolation("R26", _("No court is set up for that district."))
    if court.pk == hearing.court_id:
        # Its own courtroom is no remote site: the person simply comes to the hearing.
        raise RuleViolation("R26", _("%(court)s hears the case itself: the person is summoned to the hearing "
                                     "in person, not questioned by VCS.") % {"court": court.name})
    request = InterrogationRequest.objects.create(
        hearing=hearing, person_name=person_name.strip(), person_role=person_role, grounds=grounds,
        date_of_birth=date_of_birth, age_band=age_band, district=district, proposed_court=court,
        note=note.strip(), created_by=actor, created_at=kztime.now())
    flags = []
    if age_band and not hearing.has_minor:
        hearing.has_minor = True
        flags.append("has_minor")
    if Ground.SAFETY in grounds and not hearing.safety_protected:
        hearing.safety_protected = True
        flags.append("safety_protected")
    if flags:
        hearing.save(update_fields=flags)
    audit_record(actor=actor, action="interrogation_requested", obj=request, hearing_id=hearing.pk,
                 rule="R26", after=snapshot(request))
    record_event(hearing, "interrogation_requested", actor, rule="R26",
                 data={"request": request.pk, "grounds": grounds, "proposed_court": court.pk})
    return request


@transaction.atomic
def accept_proposed_court(*, actor, request_id: int, endpoint_id: int | None = None,
                          phone: str = "", email: str = "") -> InterrogationRequest:
    """Add the proposed court's VCS endpoint to the hearing as a remote site (R26, R10)."""
    request = InterrogationRequest.objects.select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such interrogation request."))
    hearing = access.get_visible(actor, request.hearing_id, for_update=True)
    guard(hearing, "request_interrogation", actor)
    if request.remote_site_id is not None:
        raise RuleViolation("R26", _("The remote site for this interrogation is already set."))
    endpoints = Endpoint.objects.filter(organisation_id=request.proposed_court_id)
    endpoint = (endpoints.filter(pk=endpoint_id).first() if endpoint_id
                else endpoints.order_by("-kind", "pk").first())  # a VCS room before a courtroom
    if endpoint is None:
        raise InvalidInput(_("The proposed court has no such VCS endpoint."),
                           {"endpoint_id": _("Choose an endpoint of the proposed court.")})
    site, created = RemoteSite.objects.get_or_create(hearing=hearing, endpoint=endpoint)
    if created and hearing.status != HearingStatus.ADJOURNED and kztime.now() >= test_deadline(hearing):
        # An adjourned hearing gets its new date later, and its tests with it (R23).
        raise RuleViolation("R13", _("It is too late to add this court: its test session had to take "
                                     "place no later than one day before the hearing."))
    if created:
        locked = hearing_endpoints(hearing)
        assert_possible(endpoints=locked, starts_at=hearing.starts_at,
                        duration_minutes=hearing.duration_minutes, exclude_hearing_id=hearing.pk)
        hold_endpoints(hearing, locked)
    participant = Participant.objects.create(
        hearing=hearing, full_name=request.person_name, procedural_role=request.person_role,
        mode=ParticipationMode.REMOTE_SITE, remote_site=site, phone=phone, email=email,
        date_of_birth=request.date_of_birth)
    request.remote_site, request.participant = site, participant
    request.save(update_fields=["remote_site", "participant"])
    audit_record(actor=actor, action="interrogation_site_accepted", obj=request, hearing_id=hearing.pk,
                 rule="R26", after={"remote_site": site.pk, "participant": participant.pk})
    if created and hearing.status == HearingStatus.READY:
        # R13: the new site has had no test session and no letter; connecting waits for both.
        apply(hearing, "site_added_after_letters", actor, data={"site": site.pk})
    else:
        record_event(hearing, "remote_site_added", actor, rule="R26", data={"site": site.pk})
    if created and hearing.status == HearingStatus.AGREED:
        # The R13 test deadline may have been met by the other sites already: it watches the new one.
        deadlines.schedule(hearing, DeadlineKind.TEST_SESSION, test_deadline(hearing))
    notify(User.objects.filter(organisation_id=request.proposed_court_id, is_active=True,
                               role__in=[Role.SECRETARY, Role.COURT_TECHNICIAN]),
           "interrogation_requested", hearing=hearing, person_role=PersonRole(request.person_role).label)
    return request
