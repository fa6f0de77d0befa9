"""Writes docs/rules.md: each Rule, the code that implements it, the tests that prove it.

The code column is kept here by hand; the tests column is found in the test files (every
test named test_rNN_...). Run after adding tests: .venv/bin/python docs/rules_table.py
tests/test_traceability.py fails when the table and the tests disagree.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_traceability import _tests_by_rule  # noqa: E402

RULES = {
    "R1": ("Scope: Art. 370 CPC, Art. 767 CAO", "Categories of hearing (`hearings/choices.py` Category: criminal, administrative offence, civil)"),
    "R2": ("Definitions: VCS, Department and regional coordinators, technical specialist", "`orgs/choices.py` OrgKind, Role; coordinator routing `hearings/services/booking.py` coordinator_for"),
    "R3": ("Information on VCS hearings (court, courtroom, date/time, VCS operability) is published", "Public schedule without sign-in `publishing/views.py` (`/schedule/`, `/schedule.json`, `/schedule/<court>.ics`), reads `publishing/selectors.py`, VCS operability `publishing/operability.py` (endpoint status, each site's last test), `publishing/choices.py`; feeds `publishing/feeds.py`; transactional outbox to the courts' system `publishing/models.py` OutboxEvent, written by `publishing/services/outbox.py` record_change from `hearings/services/workflow.py` record_event, delivered (HMAC-signed, in order per hearing, retried) by `publishing/services/delivery.py`, `publishing/tasks.py`; admin `publishing/admin.py`"),
    "R4": ("Recordings stored and destroyed under separate rules", "The courtroom console records the call in hashed chunks: `live/services/recordings.py` (start, store_chunk, stop, destroy, destroy_expired), `live/views/recordings.py`, `static/courtvcs/live/recorder.js`, `live/tasks.py` (retention); stopped with the session in `hearings/services/workflow.py` apply; models `live/models.py` Recording, RecordingChunk. With Janus the server records each site too: `live/services/server_recording.py` (note_feed, room_finished, attach: janus-pp-rec + ffmpeg into one WebM per site, SHA-256 of the file, attached once), task `live/tasks.py` attach_room_recordings (retried, failures on the timeline), daily catch_up (lost tasks, raw media past retention); same download, list and retention"),
    "R5": ("Information security under the Law on Informatization", "Append-only audit `audit/models.py`, `audit/services.py`, DB triggers `audit/migrations/0003_append_only_triggers.py`, `0004_merkle_leaves.py`; tamper-evident log (docs/audit.md): RFC 9162 Merkle tree `audit/merkle.py`, sealing and Ed25519-signed checkpoints outside the database `audit/sealing.py`, `audit/checkpoints.py`, `audit/tasks.py`, `manage.py verify_audit` `audit/verification.py`; access checks `hearings/access.py`; the TURN relay: per-seat credentials that expire with the hearing `live/turn.py`, relaying to public addresses only `deploy/coturn/turnserver.conf`"),
    "R6": ("Security is the duty of organisers and technical specialists", "Every write audited with its actor (`audit/services.py` audit_record), role+organisation checks (`hearings/access.py`)"),
    "R7": ("Participants: court side, institution side, others", "`orgs/choices.py` Role, ROLE_ORG_KINDS; `hearings/models.py` Participant, ProceduralRole; `hearings/services/participants.py`; screens per role `navigation.py` MENUS"),
    "R8": ("The secretary organises, starts, keeps and ends the session", "`hearings/states.py` actions for SECRETARY (book, connect, reconnect, close); `hearings/services/booking.py` create_hearing, `hearing_day.py` close; screens: booking form `hearings/views/booking.py`, hearing console `hearings/views/console.py`"),
    "R9": ("The technical specialist does the organisational-technical actions", "`hearings/states.py` TECHNICIAN actions; `hearings/services/preparation.py` schedule/record test; `hearing_day.py` resolve_fault; screens: `hearings/views/technical.py` (test sessions, faults), `orgs/views_equipment.py`"),
    "R10": ("Basis (initiative or petition) and technical possibility", "`hearings/services/booking.py` possibility_problems, assert_possible, create_hearing (row locks); no overlap guarded by the database (`hearings/migrations/0004_bookings_never_overlap.py`: PostgreSQL exclusion constraint, SQLite triggers); `agreement.py` decide, file_petition; `/api/availability`; screens: booking form with live free/busy `hearings/views/booking.py`, judge's decision on the console"),
    "R11": ("First and appeal instance: agreed with the regional coordinator", "`hearings/services/booking.py` coordinator_for, open_agreement; `agreement.py` coordinator_answer, answer_proposal; `selectors.py` coordinator_queue; screens: coordinator queue and endpoint timeline `hearings/views/coordination.py`"),
    "R12": ("Cassation: agreed with the Department coordinator", "`hearings/services/booking.py` coordinator_for (instance cassation); `workflow.py` agreement_rule"),
    "R13": ("Test-session request by the next day, test a day before, then the letter", "`hearings/services/preparation.py` (a site added later is tested alone and written to alone; a court accepted after the letters takes the hearing back to agreed, and none once its test can no longer be held: `interrogations/services.py` accept_proposed_court, action site_added_after_letters in `hearings/states.py`); the test call measured both ways `live/consumers.py` on_test_figures, `live/services/links.py` record_test_figures, test_call_verdict (thresholds COURTVCS_TEST_CALL), `static/courtvcs/live/stats.js` measureInbound; deadlines `hearings/services/deadlines.py` (TEST_REQUEST, TEST_SESSION), `hearings/tasks.py`; `kztime.py` local-day arithmetic; screens: `hearings/views/technical.py` (test queue, letters); documents: the test-session request and the letter `documents/contexts.py` test_session_request, letter, templates `documents/templates/documents/*.kk.html|*.ru.html` and `documents/docx/`, made by `documents/services.py` generate"),
    "R14": ("Equipment kept operable by the technical specialist", "`orgs/services.py` set_endpoint_status, block_endpoint; `orgs/models.py` EndpointStatusChange, EndpointBlock; refusal in `booking.py` possibility_problems; screen: equipment board `orgs/views_equipment.py`"),
    "R15": ("Connect 20-30 minutes before the start", "`hearings/services/hearing_day.py` connect (every site connecting at once); the call `live/consumers.py` (signalling, seats by role and organisation `live/seats.py`), media plane `live/media.py` + `static/courtvcs/live/mesh.js`, or the Janus SFU for any number of sites `live/janus/` (a VideoRoom per hearing with secret, PIN and per-participant tokens, placed on the least-loaded server, destroyed when the session ends; finished rooms swept by the worker every few minutes `live/tasks.py` sweep_janus_rooms, `periodic.py`) + `static/courtvcs/live/janus.js`, site states `live/services/links.py` set_site_state; deadlines WINDOW_OPENS, NOT_CONNECTED in `deadlines.py`; booking holds the window (`booking.py` booked_interval); refused at connection while an institution is suspended (`hearing_day.py` _refuse_if_suspended, R24); the sites on different application nodes meet through Redis (`settings.py` \"Several nodes\": the pub/sub channel layer)"),
    "R16": ("Fault: the secretary tells the technical specialist", "`hearings/services/hearing_day.py` report_fault, resolve_fault"),
    "R17": ("Cannot be fixed: tell the remote side and mobile-VCS participants", "`hearings/services/hearing_day.py` declare_impossible; mobile-VCS personal links `live/services/mobile.py` (issue, revoke, exchange), pre-call check `live/views/mobile.py`, `static/courtvcs/live/precall.js`"),
    "R18": ("Act of absence of technical possibility, three signatures", "`hearings/services/hearing_day.py` draw_up_act, sign_act; `hearings/models.py` Act, ActSignature (unique per signatory); screens: acts to sign `hearings/views/technical.py`, console; the act as a document `documents/contexts.py` act (fault, what was tried, signatures), frozen with its SHA-256 at the third signature `documents/services.py` freeze_act_after_commit (from sign_act), versions `documents/models.py` Document and trigger `documents/migrations/0002_frozen_documents_never_change.py`; case file ZIP with manifest `documents/selectors.py`, `documents/views.py`, `documents/api.py`"),
    "R19": ("Call-in by the secretary or bailiff", "`hearings/services/hearing_day.py` call_in; screen: bailiff's call-in list `hearings/views/lists.py`"),
    "R20": ("Attendance, identity and authority checked where the person is", "`hearings/services/hearing_day.py` check_attendance; `hearings/models.py` AttendanceCheck; the mobile participant waits until admitted `live/seats.py` room_state"),
    "R21": ("The protocol records that VCS was used", "Timeline of every event `hearings/models.py` TimelineEvent, `services/workflow.py` record_event, `/api/hearings/{id}/timeline`; the protocol mark `documents/contexts.py` protocol_mark (sites, mobile VCS, R20 checks, R22 breaks and reconnections with times), `documents/templates/documents/protocol_mark.*.html`; the console's live timeline (`hearings/views/console.py`, `hearings/events.py` labels)"),
    "R22": ("Technical break by the presiding judge, reconnection", "`hearings/services/hearing_day.py` declare_break, reconnect; link quality `live/quality.py` (score, LinkTracker), prompts and quality on the timeline `live/services/links.py` record_quality_change; reconnection by itself `static/courtvcs/live/mesh.js` (ICE restart, perfect negotiation), `signalling.js` (back-off); the court mutes or reconnects a site `live/consumers.py` on_mute, on_reconnect; a lost site stays lost while its link is rebuilt and is then recorded reconnected `live/services/links.py` set_site_state; a Redis outage does not drop the sites `live/layers.py` OutageTolerantLayer; quality alerts and break prompts counted for the operators `ops/metrics.py` quality_alert (docs/deploy.md, Metrics)"),
    "R23": ("Adjournment: each party's mode, oral petition, new slot agreed", "`hearings/services/adjournment.py` adjourn, reschedule"),
    "R24": ("Suspension at an institution in an emergency", "`suspensions/services.py` declare, lift; `hearings/services/adjournment.py` resume_after_suspension; refusal in `booking.py`; connection refused while in force past the expected end (`hearing_day.py`); screen `suspensions/views.py`; the suspension notice `documents/contexts.py` suspension_notice, made and read by the institution officer (`documents/access.py`)"),
    "R25": ("Remote interrogation under CPC Art. 213, 369, 370", "`interrogations/services.py` request_interrogation"),
    "R26": ("Victim or witness questioned from the court of their district", "`interrogations/services.py` court_for_district, accept_proposed_court"),
    "R27": ("Grounds: health, safety, a minor (under 14/18), deadlines", "`interrogations/choices.py` Ground; `interrogations/services.py` age_on, request_interrogation; never published: `publishing/selectors.py` PUBLISHABLE (minor, safety), withdrawn from the courts' system by `publishing/services/outbox.py` record_change"),
}


def main() -> None:
    tests = _tests_by_rule()
    lines = [
        "# The Rules -> code -> tests",
        "",
        "Each point of the Rules (`../shared/rules/RULES.md`), where it is implemented (paths",
        "under `courtvcs/`) and the tests that prove it. The workflow table",
        "`courtvcs/hearings/states.py` names the rule of every action; a broken rule is a",
        "409 naming it. This file is written by `docs/rules_table.py`;",
        "`tests/test_traceability.py` fails when it and the tests disagree.",
        "",
        "| rule | what it says | code | tests |",
        "|---|---|---|---|",
    ]
    for n in range(1, 28):
        rule = f"R{n}"
        says, code = RULES[rule]
        names = sorted(tests.get(rule, ()))
        cell = "<br>".join(f"`{t}`" for t in names) if names else "(none yet)"
        lines.append(f"| **{rule}** | {says} | {code} | {cell} |")
    (ROOT / "docs" / "rules.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
