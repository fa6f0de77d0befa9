"""R4: the hearing is recorded while in session, in hashed chunks, kept and destroyed on time."""

import asyncio
import datetime as dt
import hashlib
import json

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import AsyncRequestFactory, Client
from django_tasks_db.models import DBTaskResult

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import build_world
from courtvcs.live.models import Recording, RecordingChunk
from courtvcs.live.services import recordings
from courtvcs.live.tasks import destroy_recording_when_due
from courtvcs.live.views import recordings as recording_views

WEBM = "video/webm;codecs=vp8,opus"


@pytest.fixture(autouse=True)
def recordings_dir(settings, tmp_path):
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    settings.COURTVCS_RECORDING_RETENTION_DAYS = 30
    return settings.COURTVCS_RECORDINGS_DIR


def browser(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def in_session(world, api, clock) -> Flow:
    flow = Flow(world, api, clock)
    flow.to("in_session")
    return flow


def start(client, hearing_id, mime_type=WEBM):
    return client.post(f"/live/hearings/{hearing_id}/recordings/",
                       json.dumps({"mime_type": mime_type}), content_type="application/json")


def send(client, upload_url, seq, data, digest=None):
    return client.post(f"{upload_url}{seq}/", data, content_type="application/octet-stream",
                       headers={"X-Chunk-SHA256": sha(data) if digest is None else digest})


def started(world, api, clock):
    """A hearing in session and the secretary's recording of it, as the console sees it."""
    flow = in_session(world, api, clock)
    secretary = browser(world.secretary)
    answer = start(secretary, flow.hearing_id)
    assert answer.status_code == 200, answer.content
    return flow, secretary, answer.json()


def complete_recording(world, api, clock, pieces=(b"one", b"two")):
    flow, secretary, rec = started(world, api, clock)
    for seq, data in enumerate(pieces):
        assert send(secretary, rec["upload_url"], seq, data).status_code == 201
    assert secretary.post(rec["stop_url"]).status_code == 200
    return flow, secretary, Recording.objects.get(pk=rec["id"])


def events(api, flow, kind):
    return [e for e in ok(api(flow.w.secretary).get(flow.url("/timeline"))) if e["kind"] == kind]


def files_under(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


# ---- recording ----------------------------------------------------------------------------

def test_r4_secretary_records_a_hearing_in_session_in_hashed_chunks(world, api, clock,
                                                                     recordings_dir):
    flow, secretary, rec = started(world, api, clock)
    assert rec["upload_url"] == f"/live/recordings/{rec['id']}/chunks/"
    assert rec["stop_url"] == f"/live/recordings/{rec['id']}/stop/"
    assert (rec["status"], rec["next_seq"], rec["mime_type"]) == ("recording", 0, WEBM)

    pieces = [b"\x1a\x45\xdf\xa3 header and first cluster", b"second cluster", b"third cluster"]
    for seq, data in enumerate(pieces):
        answer = send(secretary, rec["upload_url"], seq, data)
        assert answer.status_code == 201
        assert answer.json() == {"seq": seq, "sha256": sha(data), "size_bytes": len(data)}

    stored = list(RecordingChunk.objects.filter(recording_id=rec["id"]).order_by("seq"))
    assert [(c.seq, c.sha256, c.size_bytes) for c in stored] == [
        (i, sha(d), len(d)) for i, d in enumerate(pieces)]
    prefix = f"{flow.hearing_id}/{rec['id']}"
    assert files_under(recordings_dir) == [f"{prefix}/000000.part", f"{prefix}/000001.part",
                                           f"{prefix}/000002.part"]
    for chunk, data in zip(stored, pieces):
        assert (recordings_dir / chunk.path).read_bytes() == data

    clock.move_to(kztime.now() + dt.timedelta(minutes=42))
    stopped = secretary.post(rec["stop_url"]).json()
    recording = Recording.objects.get(pk=rec["id"])
    assert recording.status == stopped["status"] == "complete"
    assert (recording.chunk_count, recording.size_bytes) == (3, sum(map(len, pieces)))
    # The recording's hash: SHA-256 of its chunks' hex hashes in order (checkable with sha256sum).
    assert recording.sha256 == stopped["sha256"] == sha("".join(sha(d) for d in pieces).encode())
    assert recording.stopped_at - recording.started_at == dt.timedelta(minutes=42)
    assert recording.keep_until == recording.stopped_at + dt.timedelta(days=30)

    [began] = events(api, flow, "recording_started")
    [ended] = events(api, flow, "recording_stopped")
    assert began["rule"] == ended["rule"] == "R4"
    assert ended["data"]["sha256"] == recording.sha256
    stored_audit = AuditEntry.objects.filter(action="recording_chunk_stored",
                                             hearing_id=flow.hearing_id).order_by("id")
    assert [e.after["sha256"] for e in stored_audit] == [sha(d) for d in pieces]

    download = secretary.get(f"/live/recordings/{rec['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "video/webm"
    assert download["Content-Disposition"] == (
        f'attachment; filename="hearing-1-101-2026-20261203-1000-recording-{rec["id"]}.webm"')
    assert b"".join(download.streaming_content) == b"".join(pieces)


def test_r4_recording_refused_when_the_hearing_is_not_in_session(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    answer = start(browser(world.secretary), flow.hearing_id)
    assert answer.status_code == 409
    assert answer.json()["rule"] == "R4"
    assert "in session" in answer.json()["detail"]
    assert not Recording.objects.exists()


def test_r4_chunk_with_wrong_hash_is_refused_and_nothing_stored(world, api, clock, recordings_dir):
    flow, secretary, rec = started(world, api, clock)
    answer = send(secretary, rec["upload_url"], 0, b"damaged on the way", sha(b"as recorded"))
    assert answer.status_code == 400
    assert "SHA-256" in answer.json()["detail"]
    assert send(secretary, rec["upload_url"], 0, b"x", "not-a-hash").status_code == 400
    assert send(secretary, rec["upload_url"], 0, b"x", "").status_code == 400
    assert not RecordingChunk.objects.exists()
    assert files_under(recordings_dir) == []
    assert Recording.objects.get(pk=rec["id"]).chunk_count == 0
    # Sent again whole, it is taken.
    assert send(secretary, rec["upload_url"], 0, b"as recorded").status_code == 201


def test_r4_retried_chunk_is_stored_once(world, api, clock, recordings_dir):
    flow, secretary, rec = started(world, api, clock)
    first = send(secretary, rec["upload_url"], 0, b"piece zero")
    again = send(secretary, rec["upload_url"], 0, b"piece zero")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert RecordingChunk.objects.count() == 1
    recording = Recording.objects.get(pk=rec["id"])
    assert (recording.chunk_count, recording.size_bytes) == (1, len(b"piece zero"))

    other = send(secretary, rec["upload_url"], 0, b"other content")
    assert other.status_code == 409
    assert other.json()["rule"] == "R4"
    # A piece is never skipped: number 2 cannot come before number 1.
    gap = send(secretary, rec["upload_url"], 2, b"piece two")
    assert gap.status_code == 409
    assert "Chunk 1" in gap.json()["detail"]
    assert len(files_under(recordings_dir)) == 1
    assert (recordings_dir / RecordingChunk.objects.get().path).read_bytes() == b"piece zero"

    # The answer to the last upload may be lost after the stop: the retry still succeeds.
    assert secretary.post(rec["stop_url"]).status_code == 200
    assert send(secretary, rec["upload_url"], 0, b"piece zero").status_code == 201
    late = send(secretary, rec["upload_url"], 1, b"piece one")
    assert late.status_code == 409 and late.json()["rule"] == "R4"
    # Stopping again (a retried stop) changes nothing.
    assert secretary.post(rec["stop_url"]).json()["sha256"] == recording_hash_of(rec["id"])
    assert len(events(api, flow, "recording_stopped")) == 1


def recording_hash_of(recording_id):
    return Recording.objects.get(pk=recording_id).sha256


def test_r4_oversize_chunk_is_refused_before_it_is_stored(world, api, clock, settings,
                                                          recordings_dir):
    settings.COURTVCS_RECORDING_CHUNK_MAX_BYTES = 1024
    flow, secretary, rec = started(world, api, clock)
    answer = send(secretary, rec["upload_url"], 0, b"v" * 1025)
    assert answer.status_code == 413
    assert "1024 bytes" in answer.json()["detail"]
    assert files_under(recordings_dir) == []
    assert send(secretary, rec["upload_url"], 0, b"v" * 1024).status_code == 201
    # The service keeps the limit too, whoever calls it.
    with pytest.raises(recordings.ChunkTooLarge):
        recordings.store_chunk(actor=world.secretary, recording_id=rec["id"], seq=1,
                               data=b"v" * 1025, sha256_hex=sha(b"v" * 1025))


def test_r4_chunk_larger_than_a_form_body_is_taken(world, api, clock):
    # Django caps request.body at 2.5 MB for forms; a chunk of a few seconds may be larger.
    flow, secretary, rec = started(world, api, clock)
    data = bytes(range(256)) * (12 * 1024)  # 3 MB
    assert send(secretary, rec["upload_url"], 0, data).status_code == 201
    assert RecordingChunk.objects.get().size_bytes == len(data)


def test_r4_a_failed_chunk_row_leaves_no_file(world, api, clock, recordings_dir, monkeypatch):
    flow, secretary, rec = started(world, api, clock)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(recordings, "audit_record", broken)
    with pytest.raises(RuntimeError):
        recordings.store_chunk(actor=world.secretary, recording_id=rec["id"], seq=0,
                               data=b"piece", sha256_hex=sha(b"piece"))
    assert files_under(recordings_dir) == []
    assert not RecordingChunk.objects.exists()


def test_r4_console_restart_completes_the_open_recording_and_starts_the_next_part(world, api,
                                                                                  clock):
    flow, secretary, rec = started(world, api, clock)
    # A start whose answer was lost is simply answered again: nothing was recorded yet.
    assert start(secretary, flow.hearing_id).json()["id"] == rec["id"]
    assert send(secretary, rec["upload_url"], 0, b"before the reload").status_code == 201

    # The reloaded console's new MediaRecorder starts a new WebM file: a new recording.
    again = start(secretary, flow.hearing_id).json()
    assert again["id"] != rec["id"] and again["next_seq"] == 0
    first = Recording.objects.get(pk=rec["id"])
    assert (first.status, first.chunk_count) == ("complete", 1)
    assert first.sha256 == sha(sha(b"before the reload").encode())
    assert Recording.objects.filter(hearing_id=flow.hearing_id, status="recording").count() == 1
    [ended] = events(api, flow, "recording_stopped")
    assert ended["data"]["reason"] == "console_restarted"
    assert len(events(api, flow, "recording_started")) == 2
    # The console that was replaced can add nothing more to its recording.
    late = send(secretary, rec["upload_url"], 1, b"from the old tab")
    assert late.status_code == 409 and late.json()["rule"] == "R4"


@pytest.mark.parametrize("given, kept", [
    ("video/webm;codecs=vp8,opus", "video/webm;codecs=vp8,opus"),
    ("video/webm; codecs=\"vp9, opus\"", "video/webm;codecs=vp9,opus"),
    ("VIDEO/WEBM;codecs=VP8.0,Opus;foo=bar", "video/webm;codecs=vp8,opus"),
    ("video/webm;codecs=vp09.00.10.08", "video/webm;codecs=vp9"),
    ("video/webm", "video/webm"),
])
def test_r4_recording_formats_are_normalised(given, kept):
    assert recordings.normalise_mime_type(given) == kept


@pytest.mark.parametrize("mime_type", ["video/mp4", "video/webm;codecs=h264,opus",
                                       "video/webm;codecs=vp8,vp9", "text/html", ""])
def test_r4_recording_formats_outside_the_allowlist_are_refused(world, api, clock, mime_type):
    flow = in_session(world, api, clock)
    answer = start(browser(world.secretary), flow.hearing_id, mime_type)
    assert answer.status_code == 400
    assert "mime_type" in answer.json()["fields"]
    assert not Recording.objects.exists()


def test_r4_the_console_sends_the_csrf_token_in_a_header(world, api, clock):
    flow = in_session(world, api, clock)
    console = browser(world.secretary, enforce_csrf_checks=True)
    console.get("/live/recordings/")
    token = console.cookies["csrftoken"].value
    url = f"/live/hearings/{flow.hearing_id}/recordings/"
    body = json.dumps({"mime_type": WEBM})
    assert console.post(url, body, content_type="application/json").status_code == 403
    rec = console.post(url, body, content_type="application/json",
                       headers={"X-CSRFToken": token}).json()
    chunk_url = f"{rec['upload_url']}0/"
    assert console.post(chunk_url, b"piece", content_type="application/octet-stream",
                        headers={"X-Chunk-SHA256": sha(b"piece")}).status_code == 403
    assert console.post(chunk_url, b"piece", content_type="application/octet-stream",
                        headers={"X-Chunk-SHA256": sha(b"piece"),
                                 "X-CSRFToken": token}).status_code == 201


def test_r4_ending_the_session_completes_the_open_recording(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    assert send(secretary, rec["upload_url"], 0, b"piece").status_code == 201
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    [done] = recordings.stop_open_recordings(hearing)
    assert done.pk == rec["id"] and done.status == "complete"
    [ended] = events(api, flow, "recording_stopped")
    assert ended["data"]["reason"] == "hearing_ended"
    assert recordings.stop_open_recordings(hearing) == []
    late = send(secretary, rec["upload_url"], 1, b"after the end")
    assert late.status_code == 409 and late.json()["rule"] == "R4"


# ---- who may ------------------------------------------------------------------------------

def test_r4_another_courts_secretary_gets_404(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    stranger = browser(world.other_secretary)
    assert start(stranger, flow.hearing_id).status_code == 404
    assert send(stranger, rec["upload_url"], 0, b"piece").status_code == 404
    assert stranger.post(rec["stop_url"]).status_code == 404
    assert stranger.get(f"/live/recordings/{rec['id']}/download/").status_code == 404
    assert rec["id"] not in [r.pk for r in recordings.recordings_for(world.other_secretary)]
    assert not RecordingChunk.objects.exists()


def test_r4_detention_centre_officer_cannot_record_or_download(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    assert send(secretary, rec["upload_url"], 0, b"piece").status_code == 201
    officer = browser(world.officer)  # sees the hearing: the detention centre is a remote site
    refused = start(officer, flow.hearing_id)
    assert refused.status_code == 403
    assert send(officer, rec["upload_url"], 1, b"piece").status_code == 403
    assert officer.post(rec["stop_url"]).status_code == 403
    assert officer.get(f"/live/recordings/{rec['id']}/download/").status_code == 403
    assert officer.get("/live/recordings/").status_code == 403
    assert Recording.objects.get(pk=rec["id"]).status == "recording"


def test_r4_judge_and_technician_may_download_but_not_record(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    assert send(secretary, rec["upload_url"], 0, b"piece").status_code == 201
    for person in (world.judge, world.technician):
        client = browser(person)
        assert start(client, flow.hearing_id).status_code == 403
        assert send(client, rec["upload_url"], 1, b"more").status_code == 403
        download = client.get(f"/live/recordings/{rec['id']}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"piece"


def test_r4_download_checks_access_on_every_request(world, api, clock):
    flow, secretary, recording = complete_recording(world, api, clock)
    url = f"/live/recordings/{recording.pk}/download/"
    judge = browser(world.judge)
    assert judge.get(url).status_code == 200
    world.judge.organisation = world.other_court  # transferred to another court
    world.judge.save(update_fields=["organisation"])
    assert judge.get(url).status_code == 404
    assert secretary.get(url).status_code == 200
    world.secretary.role = "bailiff"
    world.secretary.save(update_fields=["role"])
    assert secretary.get(url).status_code == 403
    assert browser().get(url).status_code == 302  # signed out: to the sign-in page
    takers = AuditEntry.objects.filter(action="recording_downloaded", object_id=str(recording.pk))
    assert sorted(e.actor.username for e in takers) == ["judge", "secretary"]


def test_r4_console_endpoints_answer_json_when_signed_out(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    answer = send(browser(), rec["upload_url"], 0, b"piece")
    assert answer.status_code == 401
    assert answer.json()["detail"]
    assert start(browser(), flow.hearing_id).status_code == 401


# ---- keeping and destroying ---------------------------------------------------------------

def test_r4_recordings_are_destroyed_after_the_retention_period_and_the_destruction_is_audited(
        world, api, clock, recordings_dir):
    pieces = (b"first piece", b"second piece")
    flow, secretary, recording = complete_recording(world, api, clock, pieces)
    assert len(files_under(recordings_dir)) == 2

    clock.move_to(recording.keep_until - dt.timedelta(minutes=1))
    assert recordings.destroy_expired() == 0
    clock.move_to(recording.keep_until + dt.timedelta(minutes=1))
    assert recordings.destroy_expired() == 1
    assert recordings.destroy_expired() == 0

    recording.refresh_from_db()
    assert recording.status == "destroyed"
    assert recording.destroyed_at == recording.keep_until + dt.timedelta(minutes=1)
    assert recording.destroyed_by is None
    # The row keeps what proves which recording was destroyed.
    assert recording.sha256 == sha("".join(sha(d) for d in pieces).encode())
    assert (recording.chunk_count, recording.size_bytes) == (2, sum(map(len, pieces)))
    assert not RecordingChunk.objects.exists()
    assert files_under(recordings_dir) == []

    [entry] = AuditEntry.objects.filter(action="recording_destroyed",
                                       object_type="live.recording", object_id=str(recording.pk))
    assert entry.actor_label == "system" and entry.rule == "R4"
    assert entry.before["sha256"] == recording.sha256
    assert [c["sha256"] for c in entry.before["chunks"]] == [sha(d) for d in pieces]
    assert "retention period of 30 days" in entry.after["reason"]
    [event] = events(api, flow, "recording_destroyed")
    assert event["rule"] == "R4" and event["data"]["sha256"] == recording.sha256

    secretary = browser(world.secretary)  # a month later: signed in again
    gone = secretary.get(f"/live/recordings/{recording.pk}/download/")
    assert gone.status_code == 410
    page = secretary.get("/live/recordings/").content.decode()
    assert f'data-recording="{recording.pk}" data-status="destroyed"' in page
    assert f"/live/recordings/{recording.pk}/download/" not in page


def test_r4_a_recording_under_way_is_not_destroyed(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    clock.move_to(kztime.now() + dt.timedelta(days=400))
    assert recordings.destroy_expired() == 0
    assert recordings.destroy_if_due(rec["id"]) == "recording"


def test_r4_completing_a_recording_puts_its_destruction_on_the_queue(
        world, api, clock, django_capture_on_commit_callbacks):
    flow, secretary, rec = started(world, api, clock)
    with django_capture_on_commit_callbacks(execute=True):
        recording = recordings.stop_recording(actor=world.secretary, recording_id=rec["id"])
    if django_settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        [queued] = DBTaskResult.objects.filter(
            task_path="courtvcs.live.tasks.destroy_recording_when_due")
        assert queued.args_kwargs["args"] == [recording.pk]
        assert queued.run_after == recording.keep_until
    # The task itself: nothing before the time, the destruction after it.
    assert destroy_recording_when_due.call(recording.pk) == "kept"
    clock.move_to(recording.keep_until)
    assert destroy_recording_when_due.call(recording.pk) == "destroyed"
    assert destroy_recording_when_due.call(recording.pk) == "destroyed"
    assert AuditEntry.objects.filter(action="recording_destroyed",
                                     object_type="live.recording").count() == 1


@pytest.mark.skipif(django_settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend",
                    reason="runs the database task worker (the default TASKS backend)")
@pytest.mark.django_db(transaction=True)
def test_r4_task_worker_destroys_the_recording_when_its_time_comes(api, clock, settings, tmp_path):
    world = build_world()
    flow = in_session(world, api, clock)
    secretary = browser(world.secretary)
    rec = start(secretary, flow.hearing_id).json()
    assert send(secretary, rec["upload_url"], 0, b"piece").status_code == 201
    assert secretary.post(rec["stop_url"]).status_code == 200
    recording = Recording.objects.get(pk=rec["id"])

    def run_worker():
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay",
                     "--no-reload", verbosity=0)

    clock.move_to(recording.keep_until - dt.timedelta(seconds=1))
    run_worker()
    assert Recording.objects.get(pk=recording.pk).status == "complete"
    clock.move_to(recording.keep_until + dt.timedelta(seconds=1))
    run_worker()
    assert Recording.objects.get(pk=recording.pk).status == "destroyed"
    assert not list((settings.COURTVCS_RECORDINGS_DIR).rglob("*.part"))


def test_r4_office_head_destroys_a_recording_early_giving_a_reason(world, api, clock,
                                                                  recordings_dir):
    flow, secretary, recording = complete_recording(world, api, clock)
    url = f"/live/recordings/{recording.pk}/destroy/"
    assert secretary.post(url, {"reason": "mine"}).status_code == 403
    assert browser(world.judge).post(url, {"reason": "mine"}).status_code == 403

    head = browser(world.office_head)
    page = head.get("/live/recordings/").content.decode()
    assert f'action="{url}"' in page
    no_reason = head.post(url, {"reason": "  "}, headers={"HX-Request": "true"})
    assert no_reason.status_code == 400
    assert "Say why the recording is destroyed." in no_reason.content.decode()
    assert Recording.objects.get(pk=recording.pk).status == "complete"

    done = head.post(url, {"reason": "Court order no. 17 of 01.12.2026"})
    assert done.status_code == 302
    recording.refresh_from_db()
    assert (recording.status, recording.destroyed_by) == ("destroyed", world.office_head)
    assert files_under(recordings_dir) == []
    [entry] = AuditEntry.objects.filter(action="recording_destroyed", object_type="live.recording")
    assert entry.actor == world.office_head
    assert entry.after["reason"] == "Court order no. 17 of 01.12.2026"
    assert len(entry.before["chunks"]) == 2
    again = head.post(url, {"reason": "twice"})
    assert again.status_code == 409
    assert "R4" in again.content.decode()


def test_r4_a_recording_under_way_cannot_be_destroyed(world, api, clock):
    flow, secretary, rec = started(world, api, clock)
    with pytest.raises(recordings.RuleViolation) as refused:
        recordings.destroy_recording(actor=world.office_head, recording_id=rec["id"],
                                     reason="early")
    assert refused.value.rule == "R4"
    other_head = world.office_head
    other_head.organisation = world.other_court
    other_head.save(update_fields=["organisation"])
    with pytest.raises(recordings.NotFound):
        recordings.destroy_recording(actor=other_head, recording_id=rec["id"], reason="x")


def test_r4_download_under_asgi_streams_the_chunks_one_by_one(world, api, clock):
    # Under ASGI a synchronous iterator would be read whole into memory before the first byte.
    flow, secretary, recording = complete_recording(world, api, clock, (b"one", b"two"))
    request = AsyncRequestFactory().get(f"/live/recordings/{recording.pk}/download/")
    request.user = world.judge
    response = recording_views.download(request, recording_id=recording.pk)
    assert response.is_async
    assert response["Content-Length"] == "6"

    async def read():
        return [piece async for piece in response.streaming_content]

    assert asyncio.run(read()) == [b"one", b"two"]


def test_r4_a_damaged_chunk_is_never_served_as_whole(world, api, clock, recordings_dir):
    flow, secretary, recording = complete_recording(world, api, clock)
    first = recording.chunks.order_by("seq").first()
    (recordings_dir / first.path).write_bytes(b"altered")
    with pytest.raises(recordings.CorruptChunk):
        b"".join(recordings.playback(recording))


# ---- the page -----------------------------------------------------------------------------

def test_r4_recordings_page_lists_the_courts_recordings(world, api, clock,
                                                        django_assert_max_num_queries):
    flow, secretary, recording = complete_recording(world, api, clock)
    page = secretary.get("/live/recordings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1-101/2026" in html
    assert f"/live/recordings/{recording.pk}/download/" in html
    assert "0:00:00" in html  # started and stopped in the same frozen minute
    assert "destroy/" not in html  # only the head of the office destroys
    assert 'href="/live/recordings/" aria-current="page"' in html  # the menu entry

    # More recordings cost no more queries (one per row would grow with the list).
    for _i in range(3):
        Recording.objects.create(hearing_id=flow.hearing_id, mime_type=WEBM,
                                 started_at=recording.started_at, started_by=world.secretary,
                                 status="complete", stopped_at=recording.stopped_at)
    with django_assert_max_num_queries(12):
        assert secretary.get("/live/recordings/").status_code == 200

    assert "1-101/2026" not in browser(world.other_secretary).get("/live/recordings/").content.decode()
    assert browser(world.bailiff).get("/live/recordings/").status_code == 403
