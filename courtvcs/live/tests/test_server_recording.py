"""R4 with Janus: the server's recording of each site, converted, hashed, attached, destroyed.

The .mjr files in data/mjr are real: Janus 1.1.2 recorded two Chromium publishers (fake
camera and microphone) in a VideoRoom (made by `python -m tests.e2e.janus_publish`). The
whole chain with a live Janus is in tests/e2e/test_server_recording_browser.py.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.live.models import JanusRoom, Recording, RecordingChunk
from courtvcs.live.services import recordings, server_recording
from courtvcs.live.tasks import attach_room_recordings, destroy_expired_recordings

from .test_recordings import browser, events, files_under, in_session

SAMPLES = Path(__file__).parent / "data" / "mjr"
COURTROOM_FEED, REMOTE_FEED = "3006343784343881", "6751028458789201"
DB_TASKS = django_settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"

# Skipped where the tools are missing, except on CI (CI=true), which must install them.
pytestmark = pytest.mark.skipif(
    not (shutil.which("janus-pp-rec") and shutil.which("ffmpeg") and shutil.which("ffprobe"))
    and os.environ.get("CI") != "true",
    reason="needs janus-pp-rec (apt-get install janus-tools) and ffmpeg")


@pytest.fixture(autouse=True)
def recordings_dir(settings, tmp_path):
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    settings.COURTVCS_RECORDING_RETENTION_DAYS = 30
    settings.COURTVCS_SERVER_RECORDING_ATTEMPTS = 3
    return settings.COURTVCS_RECORDINGS_DIR


def seat(site, label, **ids):
    return SimpleNamespace(site=site, label=label, kind=site.split("-")[0],
                           participant_id=ids.get("participant_id"),
                           remote_site_id=ids.get("remote_site_id"))


def room_dir(tmp_path, *, notes=True) -> Path:
    """A rec_dir as Janus leaves it, with the plane's notes of which seat each feed is."""
    rec_dir = tmp_path / "janus" / "hearing-1" / "room-1687334020"
    rec_dir.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES.glob("*.mjr"):
        shutil.copy(sample, rec_dir / sample.name)
    if notes:
        server_recording.note_feed(rec_dir=rec_dir, seat=seat("courtroom", "Court 1, room 101"),
                                   feed_id=int(COURTROOM_FEED))
        server_recording.note_feed(rec_dir=rec_dir, seat=seat("remote-7", "SIZO-1, room 4",
                                                              remote_site_id=7),
                                   feed_id=int(REMOTE_FEED))
    return rec_dir


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "stream=codec_type,codec_name:format=duration", "-of", "json",
                          str(path)], capture_output=True, check=True).stdout
    info = json.loads(out)
    return {"codecs": {s["codec_type"]: s["codec_name"] for s in info["streams"]},
            "duration": float(info["format"]["duration"])}


def attached(flow, rec_dir, **kwargs) -> dict:
    return attach_room_recordings.call(flow.hearing_id, str(rec_dir), **kwargs)


def test_r04_server_recording_is_converted_hashed_and_attached_per_site(
        world, api, clock, tmp_path, recordings_dir):
    flow = in_session(world, api, clock)
    rec_dir = room_dir(tmp_path)
    result = attached(flow, rec_dir)
    assert len(result["attached"]) == 2 and not result["failed"]

    rows = list(Recording.objects.filter(hearing_id=flow.hearing_id).order_by("site"))
    assert [(r.source, r.site, r.site_label, r.status, r.started_by) for r in rows] == [
        ("server", "courtroom", "Court 1, room 101", "complete", None),
        ("server", "remote-7", "SIZO-1, room 4", "complete", None)]
    for row in rows:
        [chunk] = RecordingChunk.objects.filter(recording=row)
        stored = recordings_dir / chunk.path
        assert chunk.path == f"{flow.hearing_id}/{row.pk}/server.webm"
        data = stored.read_bytes()
        # The recording's hash is the file's own SHA-256 (checkable with sha256sum).
        assert row.sha256 == chunk.sha256 == sha(data)
        assert row.size_bytes == chunk.size_bytes == len(data)
        assert row.mime_type == "video/webm;codecs=vp8,opus"
        media = ffprobe(stored)
        assert media["codecs"] == {"video": "vp8", "audio": "opus"}
        assert 1.5 < media["duration"] < 10
        # Start and end come from Janus' own timestamps of the first packets.
        assert row.started_at.date() == dt.date(2026, 11, 30)
        assert (row.stopped_at - row.started_at).total_seconds() == pytest.approx(
            media["duration"], abs=0.01)
        assert row.keep_until == row.stopped_at + dt.timedelta(days=30)
    # Nothing else is left under the recordings (no work files), and the raw .mjr are gone.
    assert files_under(recordings_dir) == sorted(
        f"{flow.hearing_id}/{r.pk}/server.webm" for r in rows)
    assert not rec_dir.exists()

    timeline = events(api, flow, "server_recording_attached")
    assert sorted(e["data"]["site"] for e in timeline) == ["courtroom", "remote-7"]
    assert {e["rule"] for e in timeline} == {"R4"}
    audited = AuditEntry.objects.filter(action="server_recording_attached",
                                        object_type="live.recording")
    assert sorted(e.after["sha256"] for e in audited) == sorted(r.sha256 for r in rows)
    assert {e.actor_id for e in audited} == {None}


def test_r04_server_recording_download_sends_the_file_and_its_sha256(
        world, api, clock, tmp_path, recordings_dir):
    flow = in_session(world, api, clock)
    attached(flow, room_dir(tmp_path))
    row = Recording.objects.get(hearing_id=flow.hearing_id, site="remote-7")
    secretary = browser(world.secretary)
    download = secretary.get(f"/live/recordings/{row.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "video/webm"
    body = b"".join(download.streaming_content)
    assert download["X-Recording-SHA256"] == sha(body) == row.sha256
    assert int(download["Content-Length"]) == len(body)
    got = tmp_path / "downloaded.webm"
    got.write_bytes(body)
    assert ffprobe(got)["codecs"] == {"video": "vp8", "audio": "opus"}
    # The same access rules as the console's recordings: the detention centre may not.
    assert browser(world.officer).get(f"/live/recordings/{row.pk}/download/").status_code == 403
    assert browser(world.other_secretary).get(
        f"/live/recordings/{row.pk}/download/").status_code == 404


def test_r04_server_recordings_are_listed_with_their_site(world, api, clock, tmp_path):
    flow = in_session(world, api, clock)
    attached(flow, room_dir(tmp_path))
    html = browser(world.secretary).get("/live/recordings/").content.decode()
    for row in Recording.objects.filter(hearing_id=flow.hearing_id):
        assert f"/live/recordings/{row.pk}/download/" in html
    assert "SIZO-1, room 4" in html and "Court 1, room 101" in html
    assert "Recorded by the VCS server: SIZO-1, room 4" in html


def test_r04_server_recording_rerun_attaches_nothing_twice(world, api, clock, tmp_path,
                                                          recordings_dir):
    flow = in_session(world, api, clock)
    rec_dir = room_dir(tmp_path)
    first = attached(flow, rec_dir)
    assert attached(flow, rec_dir) == {"attached": [], "already": [], "failed": {}}
    # The task run twice over the files (the first run's clean-up lost, a retried task).
    rec_dir = room_dir(tmp_path)
    again = attached(flow, rec_dir)
    assert again["attached"] == [] and sorted(again["already"]) == sorted(first["attached"])
    assert Recording.objects.filter(hearing_id=flow.hearing_id).count() == 2
    assert len(events(api, flow, "server_recording_attached")) == 2
    assert len(files_under(recordings_dir)) == 2


def test_r04_a_feed_without_a_note_is_still_attached(world, api, clock, tmp_path):
    flow = in_session(world, api, clock)
    attached(flow, room_dir(tmp_path, notes=False), feeds={REMOTE_FEED: {
        "site": "remote-7", "label": "SIZO-1, room 4"}})
    rows = dict(Recording.objects.filter(hearing_id=flow.hearing_id)
                .values_list("site", "site_label"))
    assert rows == {"": f"feed {COURTROOM_FEED}", "remote-7": "SIZO-1, room 4"}


def test_r04_room_finished_puts_the_conversion_on_the_queue_after_commit(
        world, api, clock, tmp_path, django_capture_on_commit_callbacks):
    flow = in_session(world, api, clock)
    rec_dir = room_dir(tmp_path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        server_recording.room_finished(hearing_id=flow.hearing_id, rec_dir=rec_dir)
    assert not Recording.objects.exists()  # nothing converted in the caller's request
    for callback in callbacks:
        callback()
    if DB_TASKS:
        [queued] = DBTaskResult.objects.filter(
            task_path="courtvcs.live.tasks.attach_room_recordings")
        assert queued.args_kwargs["args"] == [flow.hearing_id, str(rec_dir.resolve()), {}]


def test_r04_a_corrupt_or_empty_mjr_is_reported_not_a_crash(world, api, clock, tmp_path,
                                                            recordings_dir):
    flow = in_session(world, api, clock)
    rec_dir = room_dir(tmp_path)
    # The remote site's files: its audio empty, its video garbage.
    for path in rec_dir.glob(f"*-user-{REMOTE_FEED}-*.mjr"):
        path.write_bytes(b"" if "audio" in path.name else b"MJR00002" + bytes(range(256)) * 8)
    result = attached(flow, rec_dir)
    assert len(result["attached"]) == 1 and list(result["failed"]) == [REMOTE_FEED]
    assert "not a Janus recording" in result["failed"][REMOTE_FEED]
    # The good site is attached; the bad one has no row and no file, its .mjr kept.
    assert list(Recording.objects.values_list("site", flat=True)) == ["courtroom"]
    assert len(files_under(recordings_dir)) == 1
    assert len(list(rec_dir.glob(f"*-user-{REMOTE_FEED}-*.mjr"))) == 2
    [failed] = events(api, flow, "server_recording_failed")
    assert failed["rule"] == "R4"
    assert failed["data"]["will_retry"] is True and failed["data"]["attempt"] == 1
    assert list(failed["data"]["failed"]) == [REMOTE_FEED]
    if DB_TASKS:
        [retry] = DBTaskResult.objects.filter(task_path="courtvcs.live.tasks.attach_room_recordings")
        assert retry.args_kwargs["args"][3] == 2
        assert retry.run_after > kztime.now()

    # The last attempt reports it for good and queues nothing more.
    DBTaskResult.objects.all().delete()
    last = attached(flow, rec_dir, attempt=3)
    assert last["already"] == result["attached"] and list(last["failed"]) == [REMOTE_FEED]
    assert events(api, flow, "server_recording_failed")[-1]["data"]["will_retry"] is False
    assert not DBTaskResult.objects.exists()
    assert Recording.objects.count() == 1


def test_r04_a_failure_while_attaching_leaves_no_half_attached_recording(
        world, api, clock, tmp_path, recordings_dir, monkeypatch):
    flow = in_session(world, api, clock)
    rec_dir = room_dir(tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(RecordingChunk.objects, "create", broken)
    result = attached(flow, rec_dir)
    assert result["attached"] == [] and set(result["failed"]) == {COURTROOM_FEED, REMOTE_FEED}
    assert not Recording.objects.exists()
    assert files_under(recordings_dir) == []
    assert len(list(rec_dir.glob("*.mjr"))) == 4  # kept for the next attempt
    monkeypatch.undo()
    assert len(attached(flow, rec_dir, attempt=2)["attached"]) == 2


def test_r04_server_recordings_are_destroyed_at_retention_and_audited(
        world, api, clock, tmp_path, recordings_dir):
    flow = in_session(world, api, clock)
    attached(flow, room_dir(tmp_path))
    rows = list(Recording.objects.filter(hearing_id=flow.hearing_id))
    clock.move_to(max(r.keep_until for r in rows) - dt.timedelta(seconds=1))
    assert recordings.destroy_expired() == 0
    clock.move_to(max(r.keep_until for r in rows))
    assert recordings.destroy_expired() == 2
    assert files_under(recordings_dir) == []
    for row in rows:
        row.refresh_from_db()
        assert row.status == "destroyed" and row.sha256  # the row and its hash are kept
        audit = AuditEntry.objects.get(action="recording_destroyed", object_type="live.recording",
                                       object_id=str(row.pk))
        assert audit.before["sha256"] == row.sha256
    download = browser(world.secretary).get(f"/live/recordings/{rows[0].pk}/download/")
    assert download.status_code == 410


# ---- the daily catch-up -------------------------------------------------------------------

def janus_room_dir(settings, hearing_id, *, written_ago: dt.timedelta) -> Path:
    """A room's rec_dir where the Janus plane puts it, last written `written_ago`."""
    rec_dir = (settings.COURTVCS_JANUS_RECORDINGS_DIR / f"hearing-{hearing_id}"
               / "room-1687334020")
    rec_dir.mkdir(parents=True)
    for sample in SAMPLES.glob("*.mjr"):
        shutil.copy(sample, rec_dir / sample.name)
    stamp = (kztime.now() - written_ago).timestamp()
    for path in rec_dir.iterdir():
        os.utime(path, (stamp, stamp))
    return rec_dir


def test_r04_catch_up_attaches_a_room_whose_task_was_lost(world, api, clock, settings, tmp_path):
    settings.COURTVCS_JANUS_RECORDINGS_DIR = tmp_path / "janus-recordings"
    flow = in_session(world, api, clock)
    rec_dir = janus_room_dir(settings, flow.hearing_id, written_ago=dt.timedelta(hours=3))
    room = JanusRoom.objects.create(
        room=f"hearing-{flow.hearing_id}", hearing_id=flow.hearing_id, server="janus-1",
        janus_room_id=1687334020, secret="s", pin="p", record=True,
        rec_dir=str(rec_dir.resolve()), created_at=kztime.now())
    destroy_expired_recordings.call()
    assert not Recording.objects.exists()  # the room is still open: not touched
    room.closed_at = kztime.now()
    room.save(update_fields=["closed_at"])

    destroy_expired_recordings.call()
    assert Recording.objects.filter(hearing_id=flow.hearing_id, source="server").count() == 2
    assert not rec_dir.parent.exists()
    destroy_expired_recordings.call()  # nothing more to do
    assert Recording.objects.count() == 2


def test_r04_catch_up_leaves_a_room_being_closed_alone(world, api, clock, settings, tmp_path):
    settings.COURTVCS_JANUS_RECORDINGS_DIR = tmp_path / "janus-recordings"
    flow = in_session(world, api, clock)
    rec_dir = janus_room_dir(settings, flow.hearing_id, written_ago=dt.timedelta(minutes=10))
    assert server_recording.catch_up() == {"attached": 0, "failed": 0, "destroyed": 0}
    assert len(list(rec_dir.glob("*.mjr"))) == 4


def test_r04_raw_media_never_converted_is_destroyed_at_the_retention_period(
        world, api, clock, settings, tmp_path):
    settings.COURTVCS_JANUS_RECORDINGS_DIR = tmp_path / "janus-recordings"
    flow = in_session(world, api, clock)
    rec_dir = janus_room_dir(settings, flow.hearing_id, written_ago=dt.timedelta(days=31))
    assert server_recording.catch_up()["destroyed"] == 1
    assert not rec_dir.exists() and not Recording.objects.exists()
    [gone] = events(api, flow, "server_recording_leftover_destroyed")
    assert gone["rule"] == "R4" and len(gone["data"]["files"]) == 4
    assert AuditEntry.objects.filter(action="server_recording_leftover_destroyed",
                                     hearing_id=flow.hearing_id).exists()
