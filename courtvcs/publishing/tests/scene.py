"""Thursday 3 December 2026 at the Kokshetau court, as the public schedule sees it (R3).

"Now" is Tuesday 1 December, 09:00 in Astana (world.NOW). Each hearing is driven over the
API by the people of the test country, as in the hearing tests (Flow):

  night     00:30 room 102  agreed        on the 3rd in Kazakhstan, on the 2nd in UTC
  morning   10:00 room 101  agreed        the plain case
  noon      12:15 room 102  cancelled     after it had been agreed
  minor     14:35 room 102  agreed        a minor is questioned (R27): never published
  safety    17:05 room 101  agreed        a witness's safety is protected (R27): never published
  undecided 19:10 room 102  awaiting the judge's decision: not published yet
  late      23:30 room 101  agreed        on the 3rd in Kazakhstan, the 3rd in UTC too
  next_day  01:00 on the 4th, room 102    on the 4th in Kazakhstan, the 3rd in UTC
  karaganda 10:00 another court           agreed, shown with all courts only

Every hearing has its own case number and the participants of Flow (names with Kazakh
letters); the ones that must never be published are collected in `secrets`.
"""

import datetime as dt
from types import SimpleNamespace

from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.orgs.choices import Role
from courtvcs.orgs.tests.factories import UserFactory

DAY = dt.date(2026, 12, 3)


def participants(remote, names, key):
    return [
        {"full_name": names[0], "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": remote.pk},
        {"full_name": names[1], "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
         "phone": "+7 701 111 22 33", "email": f"lawyer-{key}@example.kz"},
    ]


class Scene:
    def __init__(self, world, api, clock):
        self.w, self.api, self.clock = world, api, clock
        self.hearings: dict[str, int] = {}
        self.cases: dict[str, str] = {}
        self.names: list[str] = []

    def book(self, key: str, starts_at: dt.datetime, *, room=None, remote=None, agree=True, secretary=None,
             judge=None, coordinator=None) -> Flow:
        w = self.w
        remote = remote or w.sizo_room
        names = [f"Қасымов {key.title()}ұлы", f"Әбенова {key.title()}"]
        self.names += names
        flow = Flow(w, self.api, self.clock, starts_at=starts_at, remote=[remote],
                    participants=participants(remote, names, key))
        case = f"2-{len(self.cases) + 501}/2026"
        secretary = secretary or w.secretary
        body = flow._ok(self.api(secretary).post("/hearings", flow.payload(
            case_number=case, courtroom_id=(room or w.room).pk, judge_id=(judge or w.judge).pk)), 201)
        flow.hearing_id = body["id"]
        if agree:
            flow._ok(self.api(judge or w.judge).post(flow.url("/decision"), {"hold_by_vcs": True}))
            flow.agree(coordinator)
        self.hearings[key], self.cases[key] = flow.hearing_id, case
        return flow

    def interrogate(self, key: str, grounds: list[str], person: str, born: str | None = None):
        self.names.append(person)
        body = {"person_name": person, "person_role": "witness", "grounds": grounds,
                "district_id": self.w.witness_district.pk}
        if born:
            body["date_of_birth"] = born
        return ok(self.api(self.w.secretary).post(f"/hearings/{self.hearings[key]}/interrogations", body), 201)

    def hearing(self, key: str) -> Hearing:
        return Hearing.objects.get(pk=self.hearings[key])


def thursday(world, api, clock) -> SimpleNamespace:
    """Book the hearings of the module docstring; return what the tests look for."""
    w = world
    s = Scene(world, api, clock)
    s.book("night", at(3, 0, 30), room=w.room2)
    s.book("morning", at(3, 10))
    s.book("noon", at(3, 12, 15), room=w.room2)
    ok(api(w.secretary).post(f"/hearings/{s.hearings['noon']}/cancel", {"reason": "The case was settled."}))
    s.book("minor", at(3, 14, 35), room=w.room2)
    s.interrogate("minor", ["minor"], "Серікова Аружан", born="2015-06-01")
    s.book("safety", at(3, 17, 5))
    s.interrogate("safety", ["safety"], "Нұрланов Ерлан")
    s.book("undecided", at(3, 19, 10), room=w.room2, agree=False)
    s.book("late", at(3, 23, 30))
    s.book("next_day", at(4, 1, 0), room=w.room2, remote=w.regional_room)
    karaganda_judge = UserFactory(username="karagandajudge", role=Role.JUDGE, organisation=w.other_court,
                                  first_name="Бауыржан", last_name="Қарағандыұлы")
    s.book("karaganda", at(3, 10), room=w.other_room, remote=w.other_sizo_room, secretary=w.other_secretary,
           judge=karaganda_judge, coordinator=w.other_coordinator)
    people = [w.judge, w.secretary, karaganda_judge, w.other_secretary]
    secrets = {
        # Never anywhere in what the public gets: names, case numbers (R3, R5) ...
        "names": s.names + [p.last_name for p in people] + [p.first_name for p in people],
        "cases": list(s.cases.values()),
        # ... nor anything of the R27 hearings, not even their time.
        "r27_times": ["14:35", "17:05", "T093500Z", "T120500Z"],
    }
    return SimpleNamespace(scene=s, ids=s.hearings, secrets=secrets)
