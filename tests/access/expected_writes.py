"""Who may change what (tests/access/test_write_matrix.py): per state-changing operation and
object ("own": the Kokshetau court's hearings and their objects; "other": the Karaganda city
court's hearing). Everyone else must be refused with 401, 403 or 404."""

from .matrix import PEOPLE

# Reviewed against the Rules (roles per action: courtvcs/hearings/states.py) on 30 November 2026.
SIGNED_IN = set(PEOPLE) - {"anonymous"}

EXPECTED_WRITE: dict[str, dict[str, set[str]]] = {
    "api POST /api/endpoints/{endpoint_id}/status": {"own": {'technician'}, "other": {'other_technician'}},
    "api POST /api/endpoints/{endpoint_id}/blocks": {"own": {'technician'}, "other": {'other_technician'}},
    "api POST /api/availability": {"own": SIGNED_IN},
    "api POST /api/hearings": {"own": {'other_secretary', 'remote_secretary', 'secretary'}},
    "api POST /api/petitions": {"own": {'judge', 'other_judge', 'other_secretary', 'remote_secretary', 'secretary', 'supreme_judge'}},
    "api POST /api/hearings/{hearing_id}/decision": {"own": {'judge'}, "other": set()},
    "api POST /api/hearings/{hearing_id}/agreement": {"own": {'coordinator'}, "other": {'other_coordinator'}},
    "api POST /api/hearings/{hearing_id}/proposal": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/test-sessions": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/test-sessions/{test_session_id}/schedule": {"own": {'sizo_technician', 'technician'}},
    "api POST /api/test-sessions/{test_session_id}/result": {"own": {'sizo_technician', 'technician'}},
    "api POST /api/hearings/{hearing_id}/letters": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/letters/{letter_id}/acknowledge": {"own": {'remote_secretary'}},
    "api POST /api/hearings/{hearing_id}/connect": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/faults": {"own": {'secretary', 'technician'}, "other": {'other_secretary', 'other_technician'}},
    "api POST /api/faults/{fault_id}/resolution": {"own": {'sizo_technician', 'technician'}},
    "api POST /api/hearings/{hearing_id}/acts": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/acts/{act_id}/sign": {"own": {'office_head', 'secretary', 'technician'}},
    "api POST /api/hearings/{hearing_id}/call-in": {"own": {'bailiff', 'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/attendance": {"own": {'officer', 'remote_secretary', 'secretary'}, "other": {'other_officer', 'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/break": {"own": {'judge'}, "other": set()},
    "api POST /api/hearings/{hearing_id}/reconnect": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/close": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/adjourn": {"own": {'judge'}, "other": set()},
    "api POST /api/hearings/{hearing_id}/reschedule": {"own": {'judge', 'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/resume": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/cancel": {"own": {'judge', 'secretary'}, "other": {'other_secretary'}},
    "api POST /api/hearings/{hearing_id}/participants": {"own": {'secretary'}, "other": {'other_secretary'}},
    "api POST /api/suspensions": {"own": {'officer', 'other_officer'}},
    "api POST /api/hearings/{hearing_id}/interrogations": {"own": {'judge', 'secretary'}, "other": {'other_secretary'}},
    "api POST /api/notifications/{notification_id}/read": {"own": {'secretary'}},
    "api POST /api/notifications/read-all": {"own": SIGNED_IN},
    "api POST /api/hearings/{hearing_id}/documents": {"own": {'judge', 'office_head', 'other_judge', 'secretary', 'technician'}, "other": {'other_secretary', 'other_technician'}},
}

SELF_SERVICE = "the person's own sign-in and session, open to anyone signed in: courtvcs/orgs/tests"
NOT_IN_WRITE_MATRIX: dict[str, str] = {
    "api POST /api/auth/login": "open to anyone by design (the sign-in); courtvcs/orgs/tests/test_second_factor.py",
    "api POST /api/auth/logout": SELF_SERVICE,
    "api POST /api/auth/language": SELF_SERVICE,
    "api POST /api/auth/confirm": SELF_SERVICE + "/test_reauthentication.py",
    "api POST /api/suspensions/{suspension_id}/lift": ("a suspension of the institution, made in its own tests: "
                                                        "courtvcs/suspensions/tests (only the declaring institution lifts)"),
    "api POST /api/interrogations/{request_id}/accept": ("a remote interrogation request (R25), made in its own tests: "
                                                         "courtvcs/interrogations/tests (the court's secretary or the presiding judge accepts)"),
}
