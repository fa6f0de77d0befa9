"""Demo people and hearings for the embedded run. Idempotent: people are created once,
hearings only when there are none."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courtvcs import kztime
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services import agreement, booking, preparation
from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
from courtvcs.orgs.models import Endpoint, Organisation, User

DEMO_PASSWORD = "courtvcs-demo-2026"
# Issue 7: every demo person's authenticator holds this one key (base32), printed below and
# in the README, so that a trainer adds it to one phone once and signs in as any role with
# the real code step. Demo data only: a real person enrols their own key at first sign-in.
DEMO_TOTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PEOPLE = [
    # username, role, organisation key, last name, first name
    ("secretary", Role.SECRETARY, "court", "Жұмабекова", "Айгерім"),
    ("judge", Role.JUDGE, "court", "Сейітов", "Ерлан"),
    ("bailiff", Role.BAILIFF, "court", "Омаров", "Дәурен"),
    ("technician", Role.COURT_TECHNICIAN, "court", "Ким", "Виктор"),
    ("officehead", Role.OFFICE_HEAD, "court", "Нұрланова", "Гүлнар"),
    ("coordinator", Role.REGIONAL_COORDINATOR, "regional", "Ахметов", "Бауыржан"),
    ("depcoordinator", Role.DEPARTMENT_COORDINATOR, "department", "Исмаилова", "Сәуле"),
    ("officer", Role.INSTITUTION_OFFICER, "sizo", "Қасымов", "Нұржан"),
    ("sizotech", Role.INSTITUTION_TECHNICIAN, "sizo", "Петров", "Андрей"),
    ("remote.secretary", Role.SECRETARY, "remote", "Тоқтарова", "Әсел"),
    ("remote.technician", Role.COURT_TECHNICIAN, "remote", "Беков", "Руслан"),
]


def _first(preferred: str = "", **filters) -> Organisation:
    org = (Organisation.objects.filter(code=preferred).first()
           or Organisation.objects.filter(**filters).order_by("code").first())
    if org is None:
        raise CommandError(f"reference data is missing an organisation {filters}; run load_reference_data")
    return org


class Command(BaseCommand):
    help = "Create demo people (one per role) and a few demo hearings; print the logins."

    def handle(self, *args, **options):
        orgs = {
            "court": _first("akmola-kokshetau-court", kind=OrgKind.DISTRICT_COURT, region__code="akmola"),
            "regional": _first("akmola-regional-court", kind=OrgKind.REGIONAL_COURT, region__code="akmola"),
            "department": _first(kind=OrgKind.DEPARTMENT),
            "sizo": _first("akmola-sizo", kind=OrgKind.DETENTION_CENTRE, region__code="akmola"),
            "remote": _first("karaganda-kazybek-bi-court", kind=OrgKind.DISTRICT_COURT,
                             region__code="karaganda"),
        }
        with transaction.atomic():
            people = {}
            for username, role, org_key, last, first in PEOPLE:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"role": role, "organisation": orgs[org_key],
                                                 "last_name": last, "first_name": first,
                                                 "email": f"{username}@courtvcs.local"})
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                people[username] = user
            if not User.objects.filter(username="admin").exists():
                User.objects.create_superuser("admin", "admin@courtvcs.local", DEMO_PASSWORD)
            for user in [*people.values(), User.objects.get(username="admin")]:
                _demo_authenticator(user)
        if not Hearing.objects.exists():
            self._demo_hearings(people, orgs)
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s):" % DEMO_PASSWORD))
        for username, role, org_key, *_ in PEOPLE:
            self.stdout.write(f"  {username:18} {Role(role).label} — {orgs[org_key].name_ru}")
        self.stdout.write("  admin              administrator (/admin/)")
        self.stdout.write(self.style.SUCCESS(
            "Second factor: add this key to an authenticator app (TOTP, 6 digits, 30 s) and "
            "enter its code after the password: %s" % DEMO_TOTP_KEY))

    def _demo_hearings(self, people, orgs) -> None:
        courtroom = Endpoint.objects.filter(organisation=orgs["court"], kind=EndpointKind.COURTROOM).first()
        sizo_room = Endpoint.objects.filter(organisation=orgs["sizo"]).first()
        remote_room = Endpoint.objects.filter(organisation=orgs["remote"]).first()
        today = kztime.local_date(kztime.now())

        def start(days: int, hour: int) -> dt.datetime:
            return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=kztime.KZ)

        secretary, judge = people["secretary"], people["judge"]

        def book(case, days, hour, remote):
            return booking.create_hearing(
                actor=secretary, case_number=case, category="criminal", instance="first",
                courtroom_id=courtroom.pk, judge_id=judge.pk, starts_at=start(days, hour),
                duration_minutes=90, remote_endpoint_ids=[remote.pk],
                participants=[booking.ParticipantInput(
                    full_name="Сериков Асхат", procedural_role="defendant", mode="remote_site",
                    remote_endpoint_id=remote.pk),
                    booking.ParticipantInput(full_name="Ахметова Дана", procedural_role="defence_lawyer",
                                             mode="mobile_vcs", phone="+7 701 111 22 33")])

        book("1-101/2026", 2, 10, sizo_room)
        h2 = book("1-102/2026", 3, 11, sizo_room)
        agreement.decide(actor=judge, hearing_id=h2.pk, hold_by_vcs=True)
        h3 = book("1-103/2026", 4, 15, remote_room)
        agreement.decide(actor=judge, hearing_id=h3.pk, hold_by_vcs=True)
        agreement.coordinator_answer(actor=people["coordinator"], hearing_id=h3.pk, answer="agree")
        preparation.request_test_sessions(actor=secretary, hearing_id=h3.pk)


def _demo_authenticator(user: User) -> None:
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True,
                                  key=b32decode(DEMO_TOTP_KEY).hex())
