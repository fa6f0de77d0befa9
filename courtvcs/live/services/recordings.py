"""R4: the recording of a hearing, uploaded by the courtroom console in chunks as it goes.

The console's browser mixes the audio of every site, composites their video and records
it with MediaRecorder; every few seconds it posts the piece recorded so far with its
SHA-256. Each piece is written to disk (fsync, rename) before its row, so a crashed browser
loses at most the piece it was recording, and a crashed server leaves no row without a
file. The pieces in order are the media file (a WebM from MediaRecorder is its chunks
concatenated).

The recording's own hash is the SHA-256 of its chunks' hashes in order, each written as
64 lower-case hex digits with nothing between them, so it can be checked with
`sha256sum` alone. Each chunk's hash is also written to the append-only audit log as it
arrives: the recording is provable from its first chunk, even if the console never stops it.

Recordings are kept COURTVCS_RECORDING_RETENTION_DAYS after they stop and then destroyed by
a task (or the catch-up `destroy_expired`); the head of the court office may destroy one
earlier, giving a reason. Destruction removes the media and the chunk rows but keeps the
Recording row with its hashes, and the audit entry lists every chunk's hash, so what was
destroyed stays provable.
"""

import asyncio
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from courtvcs.hearings.access import get_visible, relations, visible_hearings
from courtvcs.hearings.choices import HearingStatus
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services.workflow import record_event
from courtvcs.hearings.states import COURT
from courtvcs.orgs.choices import Role

from ..choices import RecordingStatus
from ..models import Recording, RecordingChunk

log = logging.getLogger(__name__)

RULE = "R4"
# Court staff who may list and download the recordings of their court's hearings.
VIEWER_ROLES = frozenset({Role.SECRETARY, Role.JUDGE, Role.OFFICE_HEAD, Role.COURT_TECHNICIAN})
# What MediaRecorder may produce for us: WebM with VP8 or VP9 video and Opus audio. Other
# containers (MP4 from Safari) are not concatenable piece by piece, so they are refused.
CONTAINER = "video/webm"
VIDEO_CODECS = frozenset({"vp8", "vp9"})
AUDIO_CODECS = frozenset({"opus"})
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
REASON_MAX = 500


class ChunkTooLarge(InvalidInput):
    """A chunk above COURTVCS_RECORDING_CHUNK_MAX_BYTES (HTTP 413: the console should use a
    shorter timeslice or a lower bit rate)."""

    status = 413


class CorruptChunk(Exception):
    """A stored chunk no longer matches its hash: the playback stops rather than serve it."""


# ---- helpers ------------------------------------------------------------------------------

def _root() -> Path:
    return Path(settings.COURTVCS_RECORDINGS_DIR)


def _recording_dir(recording: Recording) -> Path:
    return _root() / str(recording.hearing_id) / str(recording.pk)


def _chunk_relpath(recording: Recording, seq: int) -> str:
    # Chosen by the server from numbers only: nothing the client sends reaches a path.
    return f"{recording.hearing_id}/{recording.pk}/{seq:06d}.part"


def _is_court_role(actor, hearing: Hearing, *roles: str) -> bool:
    return actor.role in roles and COURT in relations(actor, hearing)


def _require_court_role(actor, hearing: Hearing, *roles: str) -> None:
    if actor is None or not _is_court_role(actor, hearing, *roles):
        raise Forbidden(_("Your role and organisation do not allow this action on this recording."))


def _locked_recording(actor, recording_id: int) -> Recording:
    """The recording, row-locked, if `actor` may see its hearing (404 otherwise)."""
    recording = (Recording.objects.select_for_update(of=("self",)).select_related("hearing")
                 .filter(pk=recording_id).first())
    if recording is None:
        raise NotFound(_("No such recording, or it is not yours to see."))
    if actor is not None:
        try:
            get_visible(actor, recording.hearing_id)
        except NotFound:
            raise NotFound(_("No such recording, or it is not yours to see.")) from None
    return recording


def normalise_mime_type(mime_type: str) -> str:
    """`video/webm;codecs=vp8,opus` from whatever spelling the browser gave, or InvalidInput.

    Only the `codecs` parameter is kept (it says how to play the file); the others are
    dropped. No codecs means the browser's default for WebM, which is VP8 and Opus.
    """
    text = (mime_type or "").strip().lower()
    base, _sep, params = text.partition(";")
    codecs: list[str] = []
    for param in params.split(";") if params else []:
        name, _eq, value = param.strip().partition("=")
        if name.strip() == "codecs":
            codecs = [c.strip() for c in value.strip().strip("\"'").split(",") if c.strip()]
    # "vp8.0" and "vp09.00.10.08" name the same codecs with a profile.
    codecs = ["vp9" if c.startswith(("vp9", "vp09")) else "vp8" if c.startswith("vp8") else c
              for c in codecs]
    video = [c for c in codecs if c in VIDEO_CODECS]
    audio = [c for c in codecs if c in AUDIO_CODECS]
    if (base.strip() != CONTAINER or len(video) > 1 or len(audio) > 1
            or len(video) + len(audio) != len(codecs)):
        raise InvalidInput(
            _("Recordings are kept as WebM with VP8 or VP9 video and Opus audio; "
              "“%(type)s” is not accepted.") % {"type": (mime_type or "")[:80]},
            fields={"mime_type": _("Use video/webm;codecs=vp8,opus.")})
    return f"{CONTAINER};codecs={','.join(video + audio)}" if codecs else CONTAINER


def _write_file(final: Path, data: bytes) -> None:
    """Write `data` at `final` so that the name only ever holds a complete, synced file."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename is only durable once the directory entry is on disk too.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recording_hash(chunk_hashes: list[str]) -> str:
    """SHA-256 over the chunks' hex hashes in order (see the module docstring)."""
    return hashlib.sha256("".join(chunk_hashes).encode("ascii")).hexdigest()


def _facts(recording: Recording) -> dict:
    return {"recording_id": recording.pk, "mime_type": recording.mime_type,
            "chunk_count": recording.chunk_count, "size_bytes": recording.size_bytes,
            "sha256": recording.sha256}


# ---- start, chunks, stop ------------------------------------------------------------------

@transaction.atomic
def start_recording(*, actor, hearing_id: int, mime_type: str) -> Recording:
    """R4: the court's secretary starts recording a hearing that is in session.

    A hearing has at most one recording under way. A console that restarts (a reload, a
    crashed browser) cannot continue the open one: its new MediaRecorder begins a new WebM
    file with its own header, and players stop at a second header in the middle of a file
    (ffmpeg reads only the first part). So the open recording is completed as it stands
    (it is playable up to its last stored chunk) and the next part starts as a new
    recording. An open recording with no chunk yet is returned as it is: that is a start
    whose answer was lost, and nothing has been recorded into it.
    """
    hearing = get_visible(actor, hearing_id, for_update=True)  # serialises two consoles
    _require_court_role(actor, hearing, Role.SECRETARY)
    mime = normalise_mime_type(mime_type)
    if hearing.status != HearingStatus.IN_SESSION:
        raise RuleViolation(RULE, _("A hearing is recorded while it is in session; this one is "
                                    "“%(status)s”.") % {"status": hearing.get_status_display()})
    for open_one in (Recording.objects.select_for_update(of=("self",)).select_related("hearing")
                     .filter(hearing=hearing, status=RecordingStatus.RECORDING)):
        if open_one.chunk_count == 0 and open_one.mime_type == mime:
            return open_one
        _complete(open_one, actor, reason="console_restarted")
    recording = Recording.objects.create(hearing=hearing, mime_type=mime, started_at=kztime.now(),
                                         started_by=actor)
    record_event(hearing, "recording_started", actor, rule=RULE,
                 data={"recording_id": recording.pk, "mime_type": mime})
    return recording


@transaction.atomic
def store_chunk(*, actor, recording_id: int, seq: int, data: bytes,
                sha256_hex: str) -> RecordingChunk:
    """R4: keep one piece of the recording, after checking that it arrived whole.

    Pieces come in order, one after the other (the console never skips one). Sending the
    same piece again (a retried upload) returns the stored one; a different piece under a
    number already stored is refused.
    """
    recording = _locked_recording(actor, recording_id)
    _require_court_role(actor, recording.hearing, Role.SECRETARY)
    limit = settings.COURTVCS_RECORDING_CHUNK_MAX_BYTES
    if len(data) > limit:
        raise ChunkTooLarge(
            _("A recording chunk may be at most %(limit)s bytes; this one has %(size)s.")
            % {"limit": limit, "size": len(data)})
    if not data:
        raise InvalidInput(_("The recording chunk is empty."))
    claimed = (sha256_hex or "").strip().lower()
    if not SHA256_HEX.match(claimed):
        raise InvalidInput(_("Send the chunk's SHA-256 as 64 hexadecimal digits."),
                           fields={"sha256": _("Not a SHA-256 in hexadecimal.")})
    actual = hashlib.sha256(data).hexdigest()
    if actual != claimed:
        raise InvalidInput(_("The chunk arrived damaged (its SHA-256 does not match); "
                             "send it again."), fields={"sha256": _("Does not match the data.")})

    stored = recording.chunks.filter(seq=seq).first()
    if stored is not None:
        if stored.sha256 == claimed:
            return stored  # the answer to the first upload was lost; nothing changes
        raise RuleViolation(RULE, _("Chunk %(seq)s of this recording is already stored with other "
                                    "content.") % {"seq": seq})
    if recording.status != RecordingStatus.RECORDING:
        raise RuleViolation(RULE, _("This recording is “%(status)s”; it takes no more chunks.")
                            % {"status": recording.get_status_display()})
    if seq != recording.chunk_count:
        raise RuleViolation(RULE, _("Chunk %(expected)s of this recording is expected next, not "
                                    "%(seq)s.") % {"expected": recording.chunk_count, "seq": seq})

    relpath = _chunk_relpath(recording, seq)
    final = _root() / relpath
    _write_file(final, data)
    try:
        now = kztime.now()
        chunk = RecordingChunk.objects.create(recording=recording, seq=seq, sha256=claimed,
                                              size_bytes=len(data), stored_at=now, path=relpath)
        recording.chunk_count += 1
        recording.size_bytes += len(data)
        recording.save(update_fields=["chunk_count", "size_bytes"])
        audit_record(actor=actor, action="recording_chunk_stored", obj=chunk,
                     hearing_id=recording.hearing_id, rule=RULE,
                     after={"recording_id": recording.pk, "seq": seq, "sha256": claimed,
                            "size_bytes": len(data)})
    except BaseException:
        # No file without its row either: the next attempt writes it afresh.
        final.unlink(missing_ok=True)
        raise
    return chunk


def _complete(recording: Recording, actor, *, reason: str) -> Recording:
    now = kztime.now()
    hashes = list(recording.chunks.order_by("seq").values_list("sha256", flat=True))
    recording.status = RecordingStatus.COMPLETE
    recording.stopped_at = now
    recording.sha256 = recording_hash(hashes)
    recording.keep_until = now + dt.timedelta(days=settings.COURTVCS_RECORDING_RETENTION_DAYS)
    recording.save(update_fields=["status", "stopped_at", "sha256", "keep_until"])
    record_event(recording.hearing, "recording_stopped", actor, rule=RULE,
                 data={**_facts(recording), "keep_until": recording.keep_until.isoformat(),
                       "reason": reason})
    pk, keep_until = recording.pk, recording.keep_until
    transaction.on_commit(lambda: _enqueue_destruction(pk, keep_until), robust=True)
    return recording


def _enqueue_destruction(recording_id: int, keep_until: dt.datetime) -> None:
    from ..tasks import destroy_recording_when_due

    destroy_recording_when_due.using(run_after=keep_until).enqueue(recording_id)


@transaction.atomic
def stop_recording(*, actor, recording_id: int) -> Recording:
    """R4: the console stops the recording; it is kept until its retention period ends.

    Stopping a recording that is already complete returns it unchanged (the console may
    retry a stop whose answer it did not get).
    """
    recording = _locked_recording(actor, recording_id)
    _require_court_role(actor, recording.hearing, Role.SECRETARY)
    if recording.status == RecordingStatus.COMPLETE:
        return recording
    if recording.status != RecordingStatus.RECORDING:
        raise RuleViolation(RULE, _("This recording is “%(status)s” and cannot be stopped.")
                            % {"status": recording.get_status_display()})
    return _complete(recording, actor, reason="stopped")


@transaction.atomic
def stop_open_recordings(hearing: Hearing, *, reason: str = "hearing_ended") -> list[Recording]:
    """R4: complete whatever is still recording when the hearing's session ends.

    Called by the workflow (close, adjourn, ...) inside its own transaction, with no person
    acting: a console that crashed or was closed must not leave a recording open forever.
    A chunk the console sends after this is refused, so the console stops its recorder
    (and lets its last chunks arrive) before it closes the session.
    """
    done = []
    for recording in (Recording.objects.select_for_update(of=("self",)).select_related("hearing")
                      .filter(hearing=hearing, status=RecordingStatus.RECORDING)):
        done.append(_complete(recording, None, reason=reason))
    return done


# ---- destruction --------------------------------------------------------------------------

def _destroy(recording: Recording, actor, *, reason: str) -> Recording:
    """Remove the media, keep the row and its hashes, and put the proof in the audit log.

    The files are removed last, inside the transaction: if that fails, nothing is recorded
    as destroyed and the catch-up tries again.
    """
    before = {**_facts(recording), "status": recording.status,
              "keep_until": recording.keep_until.isoformat() if recording.keep_until else None,
              "chunks": [{"seq": seq, "sha256": sha, "size_bytes": size} for seq, sha, size
                         in recording.chunks.order_by("seq").values_list("seq", "sha256",
                                                                         "size_bytes")]}
    now = kztime.now()
    recording.status = RecordingStatus.DESTROYED
    recording.destroyed_at = now
    recording.destroyed_by = actor
    recording.save(update_fields=["status", "destroyed_at", "destroyed_by"])
    recording.chunks.all().delete()
    audit_record(actor=actor, action="recording_destroyed", obj=recording,
                 hearing_id=recording.hearing_id, rule=RULE, before=before,
                 after={"status": recording.status, "destroyed_at": now.isoformat(),
                        "reason": reason})
    record_event(recording.hearing, "recording_destroyed", actor, rule=RULE,
                 data={**_facts(recording), "reason": reason})
    directory = _recording_dir(recording)
    if directory.exists():
        shutil.rmtree(directory)
    try:
        directory.parent.rmdir()  # the hearing's folder, once its last recording is gone
    except OSError:
        pass
    return recording


@transaction.atomic
def destroy_recording(*, actor, recording_id: int, reason: str) -> Recording:
    """R4: the head of the court office destroys a recording before its time, saying why."""
    recording = _locked_recording(actor, recording_id)
    _require_court_role(actor, recording.hearing, Role.OFFICE_HEAD)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the recording is destroyed."),
                           fields={"reason": _("This field is required.")})
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Please correct the marked fields."),
                           fields={"reason": _("At most %(n)s characters.") % {"n": REASON_MAX}})
    if recording.status == RecordingStatus.RECORDING:
        raise RuleViolation(RULE, _("The recording is still under way; stop it first."))
    if recording.status == RecordingStatus.DESTROYED:
        raise RuleViolation(RULE, _("This recording was already destroyed."))
    return _destroy(recording, actor, reason=reason)


@transaction.atomic
def destroy_if_due(recording_id: int, now: dt.datetime | None = None) -> str:
    """The retention task: destroy one recording if its time has come (idempotent)."""
    now = now or kztime.now()
    recording = _locked_recording(None, recording_id)
    if recording.status != RecordingStatus.COMPLETE:
        return recording.status
    if recording.keep_until is None or recording.keep_until > now:
        return "kept"  # a task enqueued for an earlier keep_until, or the clock ran early
    _destroy(recording, None, reason=f"retention period of "
                                     f"{settings.COURTVCS_RECORDING_RETENTION_DAYS} days ended")
    return RecordingStatus.DESTROYED


def destroy_expired(now: dt.datetime | None = None) -> int:
    """Destroy every complete recording whose retention period has ended; how many.

    The catch-up for tasks lost or missed while the worker was stopped. Each recording is
    destroyed in its own transaction, so one that fails does not keep the others.
    """
    now = now or kztime.now()
    due = list(Recording.objects.filter(status=RecordingStatus.COMPLETE, keep_until__lte=now)
               .order_by("keep_until", "pk").values_list("pk", flat=True))
    destroyed = 0
    for pk in due:
        try:
            if destroy_if_due(pk, now) == RecordingStatus.DESTROYED:
                destroyed += 1
        except Exception:
            log.exception("R4: recording %s could not be destroyed; it is tried again later", pk)
    return destroyed


# ---- reading ------------------------------------------------------------------------------

def may_view_recordings(user) -> bool:
    return user.is_authenticated and user.role in VIEWER_ROLES and user.organisation_id is not None


def recordings_for(user) -> QuerySet:
    """The recordings of the hearings of the person's own court, newest first.

    Only court staff of the court that heard the case: a court or institution that was
    only a remote site sees the hearing but not its recording.
    """
    if not may_view_recordings(user):
        raise Forbidden(_("Recordings are kept for the court's staff."))
    hearings = visible_hearings(user).filter(court_id=user.organisation_id)
    return (Recording.objects.filter(hearing__in=hearings)
            .select_related("hearing", "hearing__courtroom", "started_by")
            .order_by("-started_at", "-id"))


@transaction.atomic
def open_for_download(*, actor, recording_id: int) -> Recording:
    """Check, on every request, that `actor` may have the recording; note who took it."""
    recording = (Recording.objects.select_related("hearing").filter(pk=recording_id).first())
    if recording is None or not actor.is_authenticated:
        raise NotFound(_("No such recording, or it is not yours to see."))
    try:
        hearing = get_visible(actor, recording.hearing_id)
    except NotFound:
        raise NotFound(_("No such recording, or it is not yours to see.")) from None
    if actor.role not in VIEWER_ROLES or COURT not in relations(actor, hearing):
        raise Forbidden(_("Recordings are kept for the staff of the court that heard the case."))
    if recording.status == RecordingStatus.DESTROYED:
        raise RuleViolation(RULE, _("This recording was destroyed on %(when)s.")
                            % {"when": kztime.format_local(recording.destroyed_at)})
    audit_record(actor=actor, action="recording_downloaded", obj=recording,
                 hearing_id=recording.hearing_id, rule=RULE,
                 after={"chunk_count": recording.chunk_count, "size_bytes": recording.size_bytes})
    return recording


def _chunk_files(recording: Recording) -> list[tuple[int, Path, str]]:
    root = _root()
    return [(seq, root / path, sha) for seq, path, sha in
            recording.chunks.order_by("seq").values_list("seq", "path", "sha256")]


def _read_checked(seq: int, path: Path, sha: str) -> bytes:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        log.error("R4: chunk %s at %s does not match its hash %s", seq, path, sha)
        raise CorruptChunk(f"chunk {seq} does not match its SHA-256")
    return data


def playback(recording: Recording) -> Iterator[bytes]:
    """The recording's media: its chunks in order, each checked against its hash.

    The list of chunks is read now, so the iterator touches only files (a streaming
    response runs it after the request's database work is done). A chunk that no longer
    matches its hash ends the stream: a damaged recording is never served as whole.
    """
    files = _chunk_files(recording)

    def chunks() -> Iterator[bytes]:
        for seq, path, sha in files:
            yield _read_checked(seq, path, sha)

    return chunks()


def playback_async(recording: Recording) -> AsyncIterator[bytes]:
    """`playback` for an ASGI response: the files are read in a thread, one chunk at a time
    (Django would otherwise read a synchronous iterator whole into memory first)."""
    files = _chunk_files(recording)

    async def chunks() -> AsyncIterator[bytes]:
        for seq, path, sha in files:
            yield await asyncio.to_thread(_read_checked, seq, path, sha)

    return chunks()


def download_name(recording: Recording) -> str:
    """A file name made by the server: the case number in safe characters, date, id."""
    case = re.sub(r"[^A-Za-z0-9]+", "-", recording.hearing.case_number).strip("-") or "case"
    day = kztime.local(recording.started_at).strftime("%Y%m%d-%H%M")
    return f"hearing-{case}-{day}-recording-{recording.pk}.webm"
