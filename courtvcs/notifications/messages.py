"""The text of every notification, by kind, translatable.

Placeholders are filled from the hearing: %(case)s, %(court)s, %(room)s, %(start)s
(Kazakhstan time), plus whatever the caller passes.
"""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "decision_requested": (
        _("Decide on a hearing by VCS: case %(case)s"),
        _("The secretary asks you to decide whether case %(case)s will be heard by VCS on %(start)s (R10)."),
    ),
    "agreement_requested": (
        _("Agreement requested: case %(case)s"),
        _("%(court)s asks to agree a hearing by VCS in case %(case)s on %(start)s (R11, R12)."),
    ),
    "agreed": (
        _("Hearing agreed: case %(case)s"),
        _("The coordinator agreed the hearing by VCS in case %(case)s on %(start)s."),
    ),
    "refused": (
        _("Hearing not agreed: case %(case)s"),
        _("The coordinator refused the hearing by VCS in case %(case)s: %(reason)s"),
    ),
    "slot_proposed": (
        _("Another time proposed: case %(case)s"),
        _("The coordinator proposes %(proposed)s for the hearing in case %(case)s instead of %(start)s."),
    ),
    "proposal_declined": (
        _("Proposal declined: case %(case)s"),
        _("The secretary declined the proposed time for case %(case)s; the request is back in your queue."),
    ),
    "decision_rejected": (
        _("VCS refused by the judge: case %(case)s"),
        _("The judge decided not to hear case %(case)s by VCS."),
    ),
    "test_session_requested": (
        _("Test session requested: case %(case)s"),
        _("Hold a test session with %(site)s before %(due)s for the hearing in case %(case)s on %(start)s (R13)."),
    ),
    "test_session_scheduled": (
        _("Test session scheduled: case %(case)s"),
        _("A test session with %(court)s is scheduled for %(when)s (case %(case)s) (R13)."),
    ),
    "test_session_result": (
        _("Test session %(result)s: case %(case)s"),
        _("The test session with %(site)s for case %(case)s: %(result)s. %(notes)s"),
    ),
    "letter": (
        _("Hearing by VCS on %(start)s: case %(case)s"),
        _("%(court)s will hear case %(case)s by VCS on %(start)s with your participation. Please make the arrangements and acknowledge this letter (R13)."),
    ),
    "letter_acknowledged": (
        _("Letter acknowledged: case %(case)s"),
        _("%(site)s acknowledged the letter about the hearing in case %(case)s."),
    ),
    "deadline_test_request": (
        _("Overdue: test-session request, case %(case)s"),
        _("The request for a test session in case %(case)s had to be sent by %(due)s (R13) and was not."),
    ),
    "deadline_test_session": (
        _("Overdue: test session, case %(case)s"),
        _("No passed test session was recorded for case %(case)s one day before the hearing on %(start)s (R13)."),
    ),
    "window_open": (
        _("Connect now: case %(case)s"),
        _("The connection window for the hearing in case %(case)s at %(start)s is open; connect the remote sites (R15)."),
    ),
    "not_connected": (
        _("Not connected: case %(case)s"),
        _("The hearing in case %(case)s starts at %(start)s and the remote sites are not connected yet (R15)."),
    ),
    "fault_reported": (
        _("Fault reported: case %(case)s, room %(room)s"),
        _("The secretary reports a fault in the hearing of case %(case)s: %(description)s (R16)."),
    ),
    "fault_fixed": (
        _("Fault fixed: case %(case)s"),
        _("The technical specialist fixed the fault in the hearing of case %(case)s."),
    ),
    "vcs_impossible": (
        _("Hearing cannot be held by VCS: case %(case)s"),
        _("The hearing in case %(case)s on %(start)s cannot be held by VCS: %(reason)s (R17)."),
    ),
    "act_to_sign": (
        _("Act to sign: case %(case)s"),
        _("An act of absence of technical possibility for case %(case)s waits for your signature (R18)."),
    ),
    "technical_break": (
        _("Technical break: case %(case)s"),
        _("The presiding judge declared a technical break in case %(case)s (R22)."),
    ),
    "break_prompted": (
        _("Link trouble: case %(case)s"),
        _("The VCS link in case %(case)s is failing (%(reasons)s). Consider declaring a technical break (R22)."),
    ),
    "adjourned": (
        _("Hearing adjourned: case %(case)s"),
        _("The hearing in case %(case)s was adjourned. %(next)s (R23)."),
    ),
    "suspended": (
        _("VCS suspended: case %(case)s"),
        _("VCS at %(institution)s is suspended (%(reason)s); the hearing in case %(case)s on %(start)s is suspended (R24)."),
    ),
    "suspension_lifted": (
        _("Suspension lifted: case %(case)s"),
        _("VCS at %(institution)s is available again; review the hearing in case %(case)s (R24)."),
    ),
    "cancelled": (
        _("Hearing cancelled: case %(case)s"),
        _("The hearing by VCS in case %(case)s on %(start)s was cancelled: %(reason)s"),
    ),
    "interrogation_requested": (
        _("Remote interrogation: case %(case)s"),
        _("%(court)s asks your court to organise the remote interrogation of a %(person_role)s in case %(case)s (R26)."),
    ),
}
