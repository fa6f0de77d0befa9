"""The hearing workflow as one table: action, from-states, to-state, who may, the rule.

A hearing's status is assigned nowhere else than `services.workflow.apply`, which reads
this table. Actions with no `to_state` change no status but are still guarded here
(who may do them, and in which states), so that every Rule is enforced in one place.

Who may act is a (role, relation) pair. The relation says how the person's
organisation stands to the hearing:
  court        works at the court hearing the case
  presiding    is the hearing's presiding judge
  coordinator  works at the coordinator's organisation that agrees the slot (R11, R12)
  remote       works at a court or institution that is a remote site of the hearing
"""

from dataclasses import dataclass, field

from courtvcs.orgs.choices import Role

from .choices import HearingStatus as S

COURT, PRESIDING, COORDINATOR, REMOTE = "court", "presiding", "coordinator", "remote"

SECRETARY = (Role.SECRETARY, COURT)
JUDGE = (Role.JUDGE, PRESIDING)
BAILIFF = (Role.BAILIFF, COURT)
TECHNICIAN = (Role.COURT_TECHNICIAN, COURT)
OFFICE_HEAD = (Role.OFFICE_HEAD, COURT)
COORDINATORS = {(Role.REGIONAL_COORDINATOR, COORDINATOR), (Role.DEPARTMENT_COORDINATOR, COORDINATOR)}
REMOTE_STAFF = {(Role.INSTITUTION_OFFICER, REMOTE), (Role.SECRETARY, REMOTE)}
REMOTE_TECHNICIANS = {(Role.INSTITUTION_TECHNICIAN, REMOTE), (Role.COURT_TECHNICIAN, REMOTE)}

BEFORE_THE_DAY = frozenset({S.AWAITING_DECISION, S.AWAITING_AGREEMENT, S.SLOT_PROPOSED,
                            S.AGREED, S.READY})
DECIDED = frozenset({S.AWAITING_AGREEMENT, S.SLOT_PROPOSED, S.AGREED, S.READY})
ON_THE_DAY = frozenset({S.READY, S.CONNECTED, S.IN_SESSION, S.TECHNICAL_BREAK})


@dataclass(frozen=True)
class Action:
    name: str
    rule: str
    actors: frozenset = field(default_factory=frozenset)
    from_states: frozenset = field(default_factory=frozenset)  # empty: any state
    to_state: str | None = None
    system: bool = False  # may also be fired by the service itself (deadlines)


def _a(name, rule, actors, from_states=(), to_state=None, system=False) -> Action:
    return Action(name, rule, frozenset(actors), frozenset(from_states), to_state, system)


ACTIONS: dict[str, Action] = {a.name: a for a in [
    # R10: the judge decides whether the case is heard by VCS.
    _a("decide", "R10", {JUDGE}, {S.AWAITING_DECISION}, S.AWAITING_AGREEMENT),
    _a("reject", "R10", {JUDGE}, {S.AWAITING_DECISION}, S.REJECTED),
    # R11, R12: the coordinator agrees the date and time.
    _a("agree", "R11", COORDINATORS, {S.AWAITING_AGREEMENT}, S.AGREED),
    _a("refuse", "R11", COORDINATORS, {S.AWAITING_AGREEMENT}, S.REFUSED),
    _a("propose", "R11", COORDINATORS, {S.AWAITING_AGREEMENT}, S.SLOT_PROPOSED),
    _a("accept_proposal", "R11", {SECRETARY}, {S.SLOT_PROPOSED}, S.AGREED),
    _a("decline_proposal", "R11", {SECRETARY}, {S.SLOT_PROPOSED}, S.AWAITING_AGREEMENT),
    # R13: test session and letter.
    _a("request_test_session", "R13", {SECRETARY}, DECIDED),
    _a("schedule_test_session", "R13", {TECHNICIAN} | REMOTE_TECHNICIANS, DECIDED),
    _a("record_test_result", "R13", {TECHNICIAN} | REMOTE_TECHNICIANS, DECIDED),
    _a("test_failed", "R13", {TECHNICIAN} | REMOTE_TECHNICIANS, {S.READY}, S.AGREED),
    _a("send_letters", "R13", {SECRETARY}, {S.AGREED}, S.READY),
    # A remote site added after the letters (a court accepted for an interrogation, R26) is
    # tested and written to like the others before anyone connects: the hearing is agreed again.
    _a("site_added_after_letters", "R13", {SECRETARY, JUDGE}, {S.READY}, S.AGREED),
    _a("acknowledge_letter", "R13", REMOTE_STAFF),
    # Participants may be added or changed until the hearing day's work starts.
    _a("edit_participants", "R10", {SECRETARY}, BEFORE_THE_DAY | {S.ADJOURNED, S.UNDER_REVIEW}),
    # R15: connect in the window before the start.
    _a("connect", "R15", {SECRETARY}, {S.READY}, S.CONNECTED),
    # R16-R18: faults, impossibility, the act.
    _a("report_fault", "R16", {SECRETARY, TECHNICIAN}, ON_THE_DAY | {S.AGREED}),
    _a("fix_fault", "R16", {TECHNICIAN} | REMOTE_TECHNICIANS, ON_THE_DAY | {S.AGREED}),
    # The technician who may fix a fault (R16) may also find it cannot be fixed (R17).
    _a("vcs_impossible", "R17", {SECRETARY, TECHNICIAN} | REMOTE_TECHNICIANS,
       ON_THE_DAY | {S.AGREED}, S.VCS_FAILED),
    _a("draw_up_act", "R18", {SECRETARY}, ON_THE_DAY | {S.AGREED, S.VCS_FAILED}),
    _a("sign_act", "R18", {SECRETARY, TECHNICIAN, OFFICE_HEAD}, {S.VCS_FAILED}),
    _a("act_signed", "R18", {SECRETARY, TECHNICIAN, OFFICE_HEAD}, {S.VCS_FAILED}, S.NOT_HELD),
    # R19, R20: call-in, attendance and identity.
    _a("call_in", "R19", {SECRETARY, BAILIFF}, {S.CONNECTED}, S.IN_SESSION),
    _a("check_attendance", "R20", {SECRETARY} | REMOTE_STAFF,
       {S.CONNECTED, S.IN_SESSION, S.TECHNICAL_BREAK}),
    # R22: technical break and reconnection.
    _a("declare_break", "R22", {JUDGE}, {S.IN_SESSION}, S.TECHNICAL_BREAK),
    _a("reconnect", "R22", {SECRETARY}, {S.TECHNICAL_BREAK}, S.IN_SESSION),
    # R23: adjournment, each party's mode, the new slot agreed again.
    _a("adjourn", "R23", {JUDGE}, {S.CONNECTED, S.IN_SESSION, S.TECHNICAL_BREAK}, S.ADJOURNED),
    _a("reschedule", "R23", {SECRETARY, JUDGE}, {S.ADJOURNED}, S.AWAITING_AGREEMENT),
    # R8: the secretary ends the session.
    _a("close", "R8", {SECRETARY}, {S.IN_SESSION}, S.CLOSED),
    # R24: suspension at an institution, and the review after it is lifted.
    _a("suspend", "R24", {(Role.INSTITUTION_OFFICER, REMOTE)},
       BEFORE_THE_DAY | {S.CONNECTED, S.IN_SESSION, S.TECHNICAL_BREAK}, S.SUSPENDED),
    _a("lift_suspension", "R24", {(Role.INSTITUTION_OFFICER, REMOTE)}, {S.SUSPENDED}, S.UNDER_REVIEW),
    _a("resume", "R24", {SECRETARY}, {S.UNDER_REVIEW}, S.AWAITING_AGREEMENT),
    # One suspended before the judge decided goes back to the judge, not to the coordinator (R10).
    _a("resume_undecided", "R24", {SECRETARY}, {S.UNDER_REVIEW}, S.AWAITING_DECISION),
    # Cancelling is never silent: it needs a reason and notifies everyone concerned.
    _a("cancel", "R10", {SECRETARY, JUDGE},
       BEFORE_THE_DAY | {S.ADJOURNED, S.UNDER_REVIEW, S.SUSPENDED}, S.CANCELLED),
    # R25-R27: remote interrogation of a victim or witness.
    _a("request_interrogation", "R26", {SECRETARY, JUDGE}, BEFORE_THE_DAY | {S.ADJOURNED}),
]}

# Every status some action leads to, plus the initial one: the states the Rules allow.
REACHABLE_STATES = {S.AWAITING_DECISION} | {a.to_state for a in ACTIONS.values() if a.to_state}
