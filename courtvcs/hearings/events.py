"""What each timeline event is called on screen (R21: the material of the protocol mark)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "booked": _("Hearing by VCS booked"),
    "decide": _("The judge decided to hold the hearing by VCS"),
    "reject": _("The judge refused to hold the hearing by VCS"),
    "agree": _("The coordinator agreed the date and time"),
    "refuse": _("The coordinator did not agree"),
    "propose": _("The coordinator proposed another time"),
    "accept_proposal": _("The proposed time was accepted"),
    "decline_proposal": _("The proposed time was declined"),
    "slot_moved": _("The hearing was moved"),
    "test_session_requested": _("Test session requested"),
    "test_session_scheduled": _("Test session scheduled"),
    "test_session_passed": _("Test session passed"),
    "test_failed": _("Test session failed"),
    "record_test_result": _("Test session result recorded"),
    "send_letters": _("Letters sent"),
    "letter_acknowledged": _("Letter acknowledged"),
    "participant_added": _("Participant added"),
    "remote_site_added": _("Remote site added"),
    "site_added_after_letters": _("Remote site added after the letters: it is tested and written to "
                                  "before connecting"),
    "connect": _("Connected"),
    "fault_reported": _("Fault reported to the technical specialist"),
    "fault_fixed": _("Fault fixed"),
    "vcs_impossible": _("The fault cannot be fixed: VCS impossible"),
    "mobile_participants_informed": _("Mobile-VCS participants informed"),
    "act_drawn_up": _("Act of absence of technical possibility drawn up"),
    "act_signature": _("Act signed"),
    "act_signed": _("Act signed by all three: not held by VCS"),
    "call_in": _("Participants called in"),
    "attendance_checked": _("Attendance and identity checked"),
    "declare_break": _("Technical break declared"),
    "reconnect": _("Reconnected after the break"),
    "adjourn": _("Hearing adjourned"),
    "party_modes": _("Parties' modes for the next sitting recorded"),
    "reschedule": _("New date sent for agreement"),
    "close": _("Session closed"),
    "suspend": _("Suspended: emergency at the institution"),
    "lift_suspension": _("Suspension lifted: hearing under review"),
    "resume": _("Resumed after the suspension"),
    "resume_undecided": _("Back to the judge after the suspension"),
    "cancel": _("Hearing cancelled"),
    "interrogation_requested": _("Remote interrogation requested"),
    "deadline_test_request": _("Deadline passed: test-session request"),
    "deadline_test_session": _("Deadline passed: test session"),
    "deadline_window_opens": _("Connection window opened"),
    "deadline_not_connected": _("Not connected 20 minutes before the start"),
    # The live call (courtvcs.live): sites, link quality, the court's controls, recording.
    "site_connecting": _("Site connecting"),
    "site_connected": _("Site connected"),
    "site_lost": _("Site's link lost"),
    "site_reconnected": _("Site reconnected"),
    "site_left": _("Site left the call"),
    "link_degraded": _("Link quality degraded"),
    "link_restored": _("Link quality restored"),
    "break_prompted": _("Link failing: the judge and secretary were prompted to declare a technical break"),
    "site_muted": _("The court muted a site's microphone"),
    "site_reconnect_requested": _("The secretary reconnected a site"),
    "recording_started": _("Recording started"),
    "recording_stopped": _("Recording stopped and saved"),
    "recording_destroyed": _("Recording destroyed"),
    "server_recording_attached": _("The server's recording of a site was saved"),
    "server_recording_failed": _("The server's recording of a site could not be saved"),
    "server_recording_leftover_destroyed": _("Unconverted media of the server's recording destroyed"),
    "mobile_link_issued": _("Personal mobile-VCS link issued"),
    "mobile_link_revoked": _("Personal mobile-VCS link revoked"),
    "mobile_link_opened": _("Personal mobile-VCS link opened"),
}

SITE_EVENTS = frozenset({"site_connecting", "site_connected", "site_lost", "site_reconnected", "site_left",
                         "link_degraded", "link_restored", "break_prompted", "site_muted",
                         "site_reconnect_requested"})

# The timeline data keys that name a site of the call ("remote-3", "mobile-7", "courtroom").
SITE_KEYS = ("site", "sender", "receiver")


def event_sites(event, labels: dict[str, str]) -> str:
    """The sites an event concerns, by name: "Sizo → courtroom" for a link's direction."""
    data = event.data or {}
    if "sender" in data and "receiver" in data:
        return f"{labels.get(data['sender'], data['sender'])} → {labels.get(data['receiver'], data['receiver'])}"
    site = data.get("site")
    return labels.get(site, "") if isinstance(site, str) else ""


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind.replace("_", " ")))
