"""R13: the test-session request, the test session, its result, and the letter."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput, NotFound, RuleViolation
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import User

from .. import access
from ..choices import DeadlineKind, HearingStatus, TestSessionStatus
from ..models import Hearing, Letter, RemoteSite, TestSession
from . import deadlines
from .workflow import apply, guard, record_event

OPEN_TEST = [TestSessionStatus.REQUESTED, TestSessionStatus.SCHEDULED]


def test_deadline(hearing: Hearing) -> dt.datetime:
    """R13: the test session takes place no later than one day before the hearing date,
    that is before the hearing's day begins in Kazakhstan time."""
    return kztime.start_of_local_day(kztime.local_date(hearing.starts_at))


def _technicians(hearing: Hearing, site: RemoteSite):
    return User.objects.filter(is_active=True).filter(
        organisation_id__in=[hearing.court_id, site.endpoint.organisation_id],
        role__in=[Role.COURT_TECHNICIAN, Role.INSTITUTION_TECHNICIAN])


@transaction.atomic
def request_test_sessions(*, actor, hearing_id: int) -> list[TestSession]:
    """The secretary asks the technical specialist for a test session with each remote site."""
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    guard(hearing, "request_test_session", actor)
    sites = list(hearing.remote_sites.select_related("endpoint__organisation"))
    if not sites:
        raise RuleViolation("R13", _("This hearing has no remote site to test with."))
    due = test_deadline(hearing)
    if kztime.now() >= due:
        raise RuleViolation("R13", _("It is too late for a test session: it had to take place "
                                     "no later than one day before the hearing."))
    # A site added later (R26) is tested alone: the others' passed tests still count. When
    # every site has passed, asking again is a retest of them all.
    untested = [site for site in sites if not _passed_for_slot(hearing, site, due)]
    created = []
    for site in untested or sites:
        if site.test_sessions.filter(status__in=OPEN_TEST).exists():
            continue
        ts = TestSession.objects.create(hearing=hearing, remote_site=site, requested_at=kztime.now(),
                                        requested_by=actor, must_be_held_before=due)
        created.append(ts)
        audit_record(actor=actor, action="test_session_requested", obj=ts, hearing_id=hearing.pk,
                     rule="R13", after=snapshot(ts))
        notify(_technicians(hearing, site), "test_session_requested", hearing=hearing,
               site=site.endpoint, due=kztime.format_local(due - dt.timedelta(minutes=1)))
    if not created:
        raise RuleViolation("R13", _("A test session is already requested for every remote site."))
    record_event(hearing, "test_session_requested", actor, rule="R13",
                 data={"sites": [ts.remote_site_id for ts in created]})
    deadlines.settle(hearing, DeadlineKind.TEST_REQUEST)
    return created


def _locked_session(actor, test_session_id: int) -> tuple[TestSession, Hearing]:
    ts = (TestSession.objects.select_for_update(of=("self",))
          .select_related("remote_site__endpoint__organisation").filter(pk=test_session_id).first())
    if ts is None:
        raise NotFound(_("No such test session."))
    hearing = access.get_visible(actor, ts.hearing_id, for_update=True)
    return ts, hearing


@transaction.atomic
def schedule_test_session(*, actor, test_session_id: int, scheduled_at: dt.datetime) -> TestSession:
    ts, hearing = _locked_session(actor, test_session_id)
    guard(hearing, "schedule_test_session", actor)
    if ts.status not in OPEN_TEST:
        raise RuleViolation("R13", _("This test session is already finished."))
    if scheduled_at >= ts.must_be_held_before:
        raise RuleViolation("R13", _("The test session must take place no later than one day before "
                                     "the hearing: choose a time before %(limit)s.")
                            % {"limit": kztime.format_local(ts.must_be_held_before)})
    if scheduled_at < kztime.now() - dt.timedelta(minutes=5):
        raise InvalidInput(_("The test session cannot be scheduled in the past."),
                           {"scheduled_at": _("Choose a time from now on.")})
    before = snapshot(ts)
    ts.status, ts.scheduled_at, ts.technician = TestSessionStatus.SCHEDULED, scheduled_at, actor
    ts.save()
    audit_record(actor=actor, action="test_session_scheduled", obj=ts, hearing_id=hearing.pk,
                 rule="R13", before=before, after=snapshot(ts))
    record_event(hearing, "test_session_scheduled", actor, rule="R13",
                 data={"site": ts.remote_site_id, "at": scheduled_at.isoformat()})
    people = User.objects.filter(is_active=True, organisation_id=ts.remote_site.endpoint.organisation_id,
                                 role__in=[Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN,
                                           Role.COURT_TECHNICIAN, Role.SECRETARY])
    notify([hearing.secretary, *people], "test_session_scheduled", hearing=hearing,
           when=kztime.format_local(scheduled_at))
    return ts


@transaction.atomic
def record_test_result(*, actor, test_session_id: int, passed: bool, notes: str = "",
                       figures: dict | None = None) -> TestSession:
    """Record the result. A failed test keeps the hearing from being ready (R13)."""
    ts, hearing = _locked_session(actor, test_session_id)
    guard(hearing, "record_test_result", actor)
    if ts.status not in OPEN_TEST:
        raise RuleViolation("R13", _("This test session is already finished; request a retest."))
    now = kztime.now()
    if now >= ts.must_be_held_before:
        raise RuleViolation("R13", _("The test session had to take place no later than one day "
                                     "before the hearing."))
    if not passed and not notes.strip():
        raise InvalidInput(_("Describe what failed."), {"notes": _("Required for a failed test.")})
    before = snapshot(ts)
    ts.status = TestSessionStatus.PASSED if passed else TestSessionStatus.FAILED
    ts.held_at, ts.notes, ts.figures = now, notes.strip(), figures or {}
    ts.technician = ts.technician or actor
    ts.save()
    audit_record(actor=actor, action="test_session_result", obj=ts, hearing_id=hearing.pk,
                 rule="R13", before=before, after=snapshot(ts))
    # Lazy, like the endpoint below: notify() renders them in each recipient's language.
    result = gettext_lazy("passed") if passed else gettext_lazy("failed")
    if not passed and hearing.status == HearingStatus.READY:
        apply(hearing, "test_failed", actor, data={"test_session": ts.pk, "notes": ts.notes})
    else:
        record_event(hearing, "test_session_passed" if passed else "test_session_failed", actor,
                     rule="R13", data={"test_session": ts.pk, "site": ts.remote_site_id})
    if passed and all_sites_passed(hearing):
        deadlines.settle(hearing, DeadlineKind.TEST_SESSION)
    notify([hearing.secretary], "test_session_result", hearing=hearing, site=ts.remote_site.endpoint,
           result=result, notes=ts.notes)
    return ts


def latest_test(site: RemoteSite) -> TestSession | None:
    return site.test_sessions.exclude(status=TestSessionStatus.CANCELLED).order_by("-requested_at", "-id").first()


def all_sites_passed(hearing: Hearing) -> bool:
    """Each remote site's latest test passed, and in time for the current start (R13).

    A test asked for before the current decision was for an earlier slot: after an
    adjournment or a review the preparation restarts (decided_at moves) and it no longer counts.
    """
    limit = test_deadline(hearing)
    return all(_passed_for_slot(hearing, site, limit) for site in hearing.remote_sites.all())


def _passed_for_slot(hearing: Hearing, site: RemoteSite, limit: dt.datetime) -> bool:
    ts = latest_test(site)
    if ts is None or ts.status != TestSessionStatus.PASSED or ts.held_at >= limit:
        return False
    return hearing.decided_at is None or ts.requested_at >= hearing.decided_at


@transaction.atomic
def send_letters(*, actor, hearing_id: int) -> list[Letter]:
    """R13: after a passing test, the secretary writes to each institution or remote court."""
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    access.authorize(actor, hearing, "send_letters")
    access.check_state(hearing, "send_letters")
    if not all_sites_passed(hearing):
        raise RuleViolation("R13", _("The letter goes after a passed test session with every remote "
                                     "site, held no later than one day before the hearing."))
    # A site written to for this start already (a retest, a site added later) gets no second letter.
    written = set(hearing.letters.filter(hearing_starts_at=hearing.starts_at).values_list("remote_site_id", flat=True))
    letters = []
    for site in hearing.remote_sites.select_related("endpoint__organisation"):
        if site.pk in written:
            continue
        org = site.endpoint.organisation
        letter = Letter.objects.create(hearing=hearing, remote_site=site, recipient_org=org,
                                       sent_at=kztime.now(), sent_by=actor,
                                       hearing_starts_at=hearing.starts_at)
        letters.append(letter)
        audit_record(actor=actor, action="letter_sent", obj=letter, hearing_id=hearing.pk,
                     rule="R13", after=snapshot(letter))
        notify(User.objects.filter(organisation=org, is_active=True, role__in=[
            Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY, Role.COURT_TECHNICIAN]),
            "letter", hearing=hearing)
    apply(hearing, "send_letters", actor, data={"letters": [x.pk for x in letters]})
    return letters


@transaction.atomic
def acknowledge_letter(*, actor, letter_id: int) -> Letter:
    letter = Letter.objects.select_for_update(of=("self",)).select_related(
        "remote_site__endpoint").filter(pk=letter_id).first()
    if letter is None or letter.recipient_org_id != actor.organisation_id:
        raise NotFound(_("No such letter in your inbox."))
    hearing = access.get_visible(actor, letter.hearing_id, for_update=True)
    access.authorize(actor, hearing, "acknowledge_letter")
    if letter.acknowledged_at is None:
        letter.acknowledged_at, letter.acknowledged_by = kztime.now(), actor
        letter.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="letter_acknowledged", obj=letter, hearing_id=hearing.pk,
                     rule="R13", after=snapshot(letter))
        record_event(hearing, "letter_acknowledged", actor, rule="R13",
                     data={"letter": letter.pk, "site": letter.remote_site_id})
        notify([hearing.secretary], "letter_acknowledged", hearing=hearing,
               site=letter.remote_site.endpoint)
    return letter
