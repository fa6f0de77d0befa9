"""R4 with Janus, end to end: Chromium publishers (fake camera and microphone) in a recorded
VideoRoom on a real Janus; when the room is gone the task worker converts the .mjr files,
and the court's secretary finds one WebM per site on the recordings page, downloads it with
its SHA-256, and it plays (VP8 video, Opus audio with the microphone's beeps). At the end
of the retention period the files are destroyed and the destruction is audited.

The first test starts its own Janus (tests/e2e/janus_publish.py: only HTTP and the
VideoRoom, on loopback); the second goes through the project's Janus plane on the shipped
configuration (tests/janus.py): the room the plane makes for the hearing, the token and PIN
it issues, the room destroyed when the session is closed, and the recording handed on.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.tests.flow import Flow
from courtvcs.live import seats
from courtvcs.live.janus import JanusPlane
from courtvcs.live.models import JanusRoom, Recording
from courtvcs.live.services import recordings, server_recording

from tests.e2e.janus_publish import JanusServer, Publisher, janus_available, publish
from tests.janus import janus_pool, janus_server  # noqa: F401 (fixtures)

# Skipped where Janus or the tools are missing, except on CI (CI=true), which installs them.
ON_CI = os.environ.get("CI") == "true"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not janus_available() and not ON_CI,
                       reason="needs Janus (apt-get install janus) to record a VideoRoom"),
    pytest.mark.skipif(not (shutil.which("janus-pp-rec") and shutil.which("ffmpeg")) and not ON_CI,
                       reason="needs janus-pp-rec (apt-get install janus-tools) and ffmpeg"),
]


def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "stream=codec_type,codec_name:format=duration", "-of", "json",
                          str(path)], capture_output=True, text=True, timeout=60, check=True)
    info = json.loads(out.stdout)
    return {"codecs": {s["codec_type"]: s["codec_name"] for s in info["streams"]},
            "duration": float(info["format"]["duration"])}


def peak_volume(path: Path) -> float:
    out = subprocess.run(["ffmpeg", "-hide_banner", "-i", str(path), "-map", "0:a",
                          "-af", "volumedetect", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=60)
    found = re.search(r"max_volume: (-?[\d.]+) dB", out.stderr)
    return float(found[1]) if found else -999.0


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload",
                 verbosity=0)


def test_r04_janus_records_each_site_and_the_secretary_downloads_it_hashed(
        world, api, clock, person, browser, settings, tmp_path):
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    settings.COURTVCS_JANUS_RECORDINGS_DIR = tmp_path / "janus-recordings"
    settings.COURTVCS_RECORDING_RETENTION_DAYS = 30
    flow = Flow(world, api, clock)
    flow.to("in_session")
    courtroom = seats.hearing_seat(world.secretary, flow.hearing_id)
    detention = seats.hearing_seat(world.officer, flow.hearing_id)
    assert (courtroom.kind, detention.kind) == ("courtroom", "remote")

    room = 4242
    rec_dir = settings.COURTVCS_JANUS_RECORDINGS_DIR / f"hearing-{flow.hearing_id}" / f"room-{room}"
    feeds = {seat.site: server_recording.note_feed(rec_dir=rec_dir, seat=seat)
             for seat in (courtroom, detention)}
    with JanusServer(tmp_path / "janus") as janus:
        mjr = janus.record_room(browser, rec_dir, room=room, seconds=4,
                                sites=[(site, feed) for site, feed in feeds.items()])
    assert len(mjr) == 4  # audio and video of each site, written by Janus

    # The plane calls this after destroying the room; the work is done by the task worker.
    with transaction.atomic():
        server_recording.room_finished(hearing_id=flow.hearing_id, rec_dir=rec_dir)
    assert not Recording.objects.exists()
    run_worker()

    rows = {r.site: r for r in Recording.objects.filter(hearing_id=flow.hearing_id)}
    assert set(rows) == {courtroom.site, detention.site}
    assert rows[detention.site].site_label == detention.label
    assert not rec_dir.exists()  # the raw media is gone once attached

    secretary = person(world.secretary, "en")
    page = secretary.go("/live/recordings/")
    for seat in (courtroom, detention):
        row = rows[seat.site]
        line = page.locator(f"tr[data-recording='{row.pk}']")
        assert seat.label in line.inner_text()
        answer = page.request.get(f"{secretary.base}/live/recordings/{row.pk}/download/")
        assert answer.status == 200
        body = answer.body()
        assert answer.headers["x-recording-sha256"] == hashlib.sha256(body).hexdigest() == row.sha256
        media = tmp_path / f"{seat.site}.webm"
        media.write_bytes(body)
        facts = probe(media)
        assert facts["codecs"] == {"video": "vp8", "audio": "opus"}
        assert 3.0 <= facts["duration"] < 15
        assert peak_volume(media) > -30.0  # the fake microphone's beeps are heard
    secretary.shot("server-recordings")

    # Kept for the retention period, then destroyed: files gone, rows and hashes kept.
    clock.move_to(max(r.keep_until for r in rows.values()))
    assert recordings.destroy_expired() == 2
    for row in rows.values():
        row.refresh_from_db()
        assert row.status == "destroyed"
        assert not (settings.COURTVCS_RECORDINGS_DIR / str(flow.hearing_id) / str(row.pk)).exists()
        assert AuditEntry.objects.filter(action="recording_destroyed", object_type="live.recording",
                                         object_id=str(row.pk)).exists()


def test_r04_closing_a_hearing_held_on_janus_attaches_each_sites_recording(
        world, api, clock, browser, settings, tmp_path, janus_pool):  # noqa: F811
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    settings.COURTVCS_JANUS_RECORD = True
    flow = Flow(world, api, clock)
    flow.to("in_session")
    plane = JanusPlane()
    publishers, sites = [], {}
    for user in (world.secretary, world.officer):
        seat = seats.hearing_seat(user, flow.hearing_id)
        given = plane.client_config(seat)["janus"]
        row = JanusRoom.objects.get(room=seat.room, closed_at__isnull=True)
        # The feed id the plane chose and noted (server_recording.note_feed) for this seat.
        feed_id = given.get("feed") or server_recording.note_feed(rec_dir=row.rec_dir, seat=seat)
        publishers.append(Publisher(f"{seat.site}|{seat.site}.page", given["room"],
                                    token=given["token"], pin=given["pin"], feed_id=feed_id))
        sites[seat.site] = seat.label
    publish(browser, janus_pool.api, publishers, seconds=4)
    rec_dir = Path(JanusRoom.objects.get(hearing_id=flow.hearing_id).rec_dir)
    assert len(list(rec_dir.glob("*.mjr"))) == 4

    # The secretary closes the session: the plane destroys the room and hands it on.
    assert api(world.secretary).post(flow.url("/close")).status_code == 200
    assert JanusRoom.objects.get(hearing_id=flow.hearing_id).closed_at is not None
    run_worker()

    rows = {r.site: r for r in Recording.objects.filter(hearing_id=flow.hearing_id,
                                                         source="server")}
    assert {site: row.site_label for site, row in rows.items()} == sites
    for row in rows.values():
        stored = settings.COURTVCS_RECORDINGS_DIR / row.chunks.get().path
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
        facts = probe(stored)
        assert facts["codecs"] == {"video": "vp8", "audio": "opus"} and facts["duration"] >= 3.0
    assert not rec_dir.exists()
