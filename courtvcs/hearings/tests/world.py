"""A small country for tests: two regions, their courts, an institution, every role.

Built with the factories; the `world` fixture (conftest.py) gives one to each test.
"""

import datetime as dt
from types import SimpleNamespace

from courtvcs import kztime
from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
from courtvcs.orgs.tests.factories import (
    DistrictFactory, EndpointFactory, OrganisationFactory, RegionFactory, UserFactory,
)

# "Now" in every test unless it travels: Tuesday 1 December 2026, 09:00 in Astana.
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=kztime.KZ)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    """A moment in Kazakhstan time in December 2026."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=kztime.KZ)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.region = RegionFactory(code="akmola")
    w.other_region = RegionFactory(code="karaganda")
    w.capital = RegionFactory(code="astana", is_city=True)
    d_centre = DistrictFactory(code="akmola-kokshetau", region=w.region)
    d_burabay = DistrictFactory(code="akmola-burabay", region=w.region)
    d_kar = DistrictFactory(code="karaganda-city", region=w.other_region)
    d_cap = DistrictFactory(code="astana-yesil", region=w.capital)
    w.district, w.witness_district, w.other_district = d_centre, d_burabay, d_kar

    w.supreme = OrganisationFactory(code="supreme-court", kind=OrgKind.SUPREME_COURT, district=d_cap)
    w.department = OrganisationFactory(code="department", kind=OrgKind.DEPARTMENT, district=d_cap,
                                       parent=w.supreme)
    w.regional = OrganisationFactory(code="akmola-regional-court", kind=OrgKind.REGIONAL_COURT,
                                     district=d_centre, parent=w.supreme)
    w.court = OrganisationFactory(code="akmola-kokshetau-court", district=d_centre, parent=w.regional)
    w.burabay_court = OrganisationFactory(code="akmola-burabay-court", district=d_burabay, parent=w.regional)
    w.other_regional = OrganisationFactory(code="karaganda-regional-court", kind=OrgKind.REGIONAL_COURT,
                                           district=d_kar, parent=w.supreme)
    w.other_court = OrganisationFactory(code="karaganda-city-court", district=d_kar, parent=w.other_regional)
    w.sizo = OrganisationFactory(code="akmola-sizo", kind=OrgKind.DETENTION_CENTRE, district=d_centre)
    w.other_sizo = OrganisationFactory(code="karaganda-sizo", kind=OrgKind.DETENTION_CENTRE, district=d_kar)

    w.room = EndpointFactory(organisation=w.court, room_number="101")
    w.room2 = EndpointFactory(organisation=w.court, room_number="102")
    w.regional_room = EndpointFactory(organisation=w.regional, room_number="301")
    w.supreme_room = EndpointFactory(organisation=w.supreme, room_number="201")
    w.burabay_room = EndpointFactory(organisation=w.burabay_court, room_number="1")
    w.other_room = EndpointFactory(organisation=w.other_court, room_number="5")
    w.sizo_room = EndpointFactory(organisation=w.sizo, kind=EndpointKind.VCS_ROOM, room_number="VCS-1")
    w.other_sizo_room = EndpointFactory(organisation=w.other_sizo, kind=EndpointKind.VCS_ROOM,
                                        room_number="VCS-1")

    def person(username, role, org):
        return UserFactory(username=username, role=role, organisation=org)

    w.secretary = person("secretary", Role.SECRETARY, w.court)
    w.judge = person("judge", Role.JUDGE, w.court)
    w.other_judge = person("judge2", Role.JUDGE, w.court)
    w.bailiff = person("bailiff", Role.BAILIFF, w.court)
    w.technician = person("technician", Role.COURT_TECHNICIAN, w.court)
    w.office_head = person("officehead", Role.OFFICE_HEAD, w.court)
    w.coordinator = person("coordinator", Role.REGIONAL_COORDINATOR, w.regional)
    w.other_coordinator = person("coordinator2", Role.REGIONAL_COORDINATOR, w.other_regional)
    w.dep_coordinator = person("depcoordinator", Role.DEPARTMENT_COORDINATOR, w.department)
    w.officer = person("officer", Role.INSTITUTION_OFFICER, w.sizo)
    w.sizo_technician = person("sizotech", Role.INSTITUTION_TECHNICIAN, w.sizo)
    w.other_officer = person("officer2", Role.INSTITUTION_OFFICER, w.other_sizo)
    w.other_secretary = person("secretary2", Role.SECRETARY, w.other_court)
    w.other_technician = person("technician2", Role.COURT_TECHNICIAN, w.other_court)
    w.regional_secretary = person("regsecretary", Role.SECRETARY, w.regional)
    w.regional_judge = person("regjudge", Role.JUDGE, w.regional)
    w.supreme_secretary = person("supsecretary", Role.SECRETARY, w.supreme)
    w.supreme_judge = person("supjudge", Role.JUDGE, w.supreme)
    w.burabay_secretary = person("burabaysecretary", Role.SECRETARY, w.burabay_court)
    return w
