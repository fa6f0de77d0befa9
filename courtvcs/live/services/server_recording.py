"""R4: the hearing recorded by the server (Janus VideoRoom), one WebM file per site.

When the Janus plane runs a hearing's room with recording on, Janus writes each publisher's
RTP as it arrives into .mjr files in the room's `rec_dir` (one for its audio, one for its
video; a site that reconnects publishes a new feed and gets new files). After the room is
destroyed the plane calls `room_finished(...)`, which only puts a task on the queue; the
task (`attach_room_recordings`, run by `manage.py db_worker`):

1. groups the .mjr files by feed (the feed id is in Janus' file name) and finds which site
   each feed was from the note `note_feed` wrote when the seat joined;
2. converts them with `janus-pp-rec` (video -> .webm VP8, audio -> .opus) and muxes each
   feed's audio and video into one WebM with ffmpeg (no re-encoding), the later track
   delayed by the gap between their first packets so they stay in sync;
3. checks the result with ffprobe (VP8 and/or Opus, duration above zero), hashes it
   (SHA-256 of the file itself, checkable with `sha256sum`), and attaches it: a
   Recording(source=server) with the site, its start and end, size and hash, and the file
   as its single chunk, so the download (access checked, X-Recording-SHA256 sent), the
   recordings page and the retention task treat it like the console's recordings.

Each feed is attached in its own transaction and the file is moved into place inside it:
a failure leaves no row without its file and no file without its row. A feed is attached
once (Recording.server_key, unique): the task can run again over the same rec_dir. A feed
that cannot be converted (a damaged or empty .mjr) is reported (audit + the hearing's
timeline, "server_recording_failed") and the task is tried again later, up to
COURTVCS_SERVER_RECORDING_ATTEMPTS times; its .mjr files are kept for the technician.
Once every feed is attached the rec_dir is removed: the raw media must not outlive the
retention of the recordings made from it. The daily catch-up (`catch_up`, run by the
`destroy_expired_recordings` task) attaches rooms whose task was lost and destroys, with a
timeline entry, raw media left past the retention period.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services.workflow import record_event

from ..choices import RecordingSource, RecordingStatus
from ..models import Recording, RecordingChunk
from .recordings import _enqueue_destruction, _fsync_dir, _root

log = logging.getLogger(__name__)

RULE = "R4"
# videoroom-<room>-user-<feed>-<timestamp>-<audio|video>-<mindex>.mjr (Janus 1.x).
MJR_NAME = re.compile(r"^videoroom-(?P<room>[^-]+)-user-(?P<feed>[^-]+)-(?P<ts>\d+)"
                      r"-(?P<kind>audio|video)(?:-(?P<mindex>\d+))?\.mjr$")
FEED_NOTE = re.compile(r"^feed-(?P<feed>\d+)\.json$")
MAX_FEED_ID = 2**53 - 1  # safe as a JavaScript number
SERVER_FILE = "server.webm"
TOOL_TIMEOUT = 3600  # seconds: a hearing of several hours converts in well under this


class ConversionFailed(Exception):
    """One feed's .mjr files could not be made into a playable WebM."""


@dataclass
class Feed:
    feed_id: str
    audio: list[Path] = field(default_factory=list)
    video: list[Path] = field(default_factory=list)
    note: dict = field(default_factory=dict)

    @property
    def files(self) -> list[Path]:
        return sorted(self.audio + self.video)


# ---- what the Janus plane calls -----------------------------------------------------------

def note_feed(*, rec_dir: str | os.PathLike, seat, feed_id: int | None = None) -> int:
    """Choose the feed id a seat publishes under, and note in rec_dir which site it is.

    Janus' .mjr files carry only the feed id, not the publisher's display; this note is how
    the recording of a feed is later named after its site. Returns the feed id.
    """
    directory = Path(rec_dir)
    # Janus (its own user) writes here and the worker removes it: a shared group, no others.
    directory.mkdir(parents=True, exist_ok=True, mode=0o770)
    feed_id = feed_id or secrets.randbelow(MAX_FEED_ID) + 1
    note = {"site": seat.site, "label": seat.label, "kind": seat.kind,
            "participant_id": seat.participant_id, "remote_site_id": seat.remote_site_id,
            "noted_at": kztime.now().isoformat()}
    final = directory / f"feed-{feed_id}.json"
    temp = directory / f".feed-{feed_id}.{secrets.token_hex(4)}.tmp"
    temp.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, final)
    return feed_id


def room_finished(*, hearing_id: int, rec_dir: str | os.PathLike,
                  feeds: dict | None = None) -> None:
    """The hearing's Janus room is destroyed: attach its recordings, later, in a task.

    Safe inside the caller's transaction (the task is enqueued when it commits) and cheap:
    nothing is converted here. `feeds` optionally maps feed id -> {"site", "label"}.
    """
    from ..tasks import attach_room_recordings

    args = (hearing_id, str(Path(rec_dir).resolve()),
            {str(k): v for k, v in (feeds or {}).items()})
    transaction.on_commit(lambda: attach_room_recordings.enqueue(*args), robust=True)


# ---- the task -----------------------------------------------------------------------------

@dataclass
class Outcome:
    attached: list[int] = field(default_factory=list)   # Recording ids made by this run
    already: list[int] = field(default_factory=list)    # attached by an earlier run
    failed: dict[str, str] = field(default_factory=dict)  # feed id -> why

    def as_dict(self) -> dict:
        return {"attached": self.attached, "already": self.already, "failed": self.failed}


def attach(*, hearing_id: int, rec_dir: str, feeds: dict | None = None,
           attempt: int = 1) -> Outcome:
    """Convert, hash and attach every feed recorded in `rec_dir` (idempotent)."""
    directory = Path(rec_dir)
    outcome = Outcome()
    if not directory.is_dir():
        return outcome  # nothing recorded, or an earlier run attached all and removed it
    hearing = Hearing.objects.get(pk=hearing_id)
    found = collect_feeds(directory, feeds or {})
    for feed in found:
        key = server_key(directory, feed.feed_id)
        done = Recording.objects.filter(server_key=key).values_list("pk", flat=True).first()
        if done is not None:
            outcome.already.append(done)
            continue
        try:
            outcome.attached.append(_attach_feed(hearing, directory, feed, key))
        except ConversionFailed as exc:
            done = Recording.objects.filter(server_key=key).values_list("pk", flat=True).first()
            if done is not None:  # another run attached it (and took the files) meanwhile
                outcome.already.append(done)
                continue
            outcome.failed[feed.feed_id] = str(exc)
        except IntegrityError:
            # Another run attached this feed between our check and our insert.
            outcome.already.append(Recording.objects.get(server_key=key).pk)
        except Exception as exc:  # the disk, the database: reported and tried again
            log.exception("R4: feed %s of %s could not be attached", feed.feed_id, directory)
            outcome.failed[feed.feed_id] = f"{type(exc).__name__}: {exc}"[:300]
    if outcome.failed:
        _report_failure(hearing, directory, outcome, feeds or {}, attempt)
    else:  # all attached (or nobody published): the raw media and the notes go
        shutil.rmtree(directory, ignore_errors=True)
    return outcome


def collect_feeds(directory: Path, feeds: dict) -> list[Feed]:
    """The feeds recorded in `directory`, each with its files and what is known of its site."""
    by_feed: dict[str, Feed] = {}
    for path in sorted(directory.iterdir()):
        match = MJR_NAME.match(path.name)
        if not match or not path.is_file():
            continue
        feed = by_feed.setdefault(match["feed"], Feed(match["feed"]))
        getattr(feed, match["kind"]).append(path)
    notes: dict[str, dict] = defaultdict(dict)
    for path in directory.iterdir():
        match = FEED_NOTE.match(path.name)
        if match:
            try:
                notes[match["feed"]] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.warning("R4: unreadable feed note %s", path)
    for feed_id, note in feeds.items():
        notes[str(feed_id)] = {**notes[str(feed_id)], **note}
    for feed in by_feed.values():
        feed.note = notes.get(feed.feed_id, {})
    return sorted(by_feed.values(),
                  key=lambda f: (min(MJR_NAME.match(p.name)["ts"] for p in f.files), f.feed_id))


def server_key(directory: Path, feed_id: str) -> str:
    return hashlib.sha256(f"{directory.resolve()}#{feed_id}".encode()).hexdigest()


# ---- the daily catch-up -------------------------------------------------------------------

ROOM_DIR = re.compile(r"^room-\d+$")
HEARING_DIR = re.compile(r"^hearing-(?P<hearing>\d+)$")


def _newest_mtime(directory: Path) -> dt.datetime:
    stamps = [p.stat().st_mtime for p in directory.iterdir() if p.is_file()]
    stamp = max(stamps, default=directory.stat().st_mtime)
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)


def catch_up(now: dt.datetime | None = None) -> dict:
    """Rooms whose recording was not handed on or not attached yet (a lost task, a call that
    failed, a worker that was stopped) are attached now; what is still left past the
    retention period (a feed that never converted) is destroyed, and that is audited.

    A room still open on Janus (its JanusRoom not closed) is left alone, and so is a folder
    written to in the last hour (a room whose close is under way).
    """
    from ..models import JanusRoom

    now = now or kztime.now()
    base = Path(settings.COURTVCS_JANUS_RECORDINGS_DIR)
    done = {"attached": 0, "failed": 0, "destroyed": 0}
    if not base.is_dir():
        return done
    open_dirs = set(JanusRoom.objects.filter(closed_at__isnull=True).exclude(rec_dir="")
                    .values_list("rec_dir", flat=True))
    retention = dt.timedelta(days=settings.COURTVCS_RECORDING_RETENTION_DAYS)
    for hearing_dir in sorted(base.iterdir()):
        match = HEARING_DIR.match(hearing_dir.name)
        if not match or not hearing_dir.is_dir():
            continue
        hearing_id = int(match["hearing"])
        for room_dir in sorted(p for p in hearing_dir.iterdir() if ROOM_DIR.match(p.name)):
            if str(room_dir.resolve()) in open_dirs:
                continue
            newest = _newest_mtime(room_dir)
            if now - newest < dt.timedelta(hours=1):
                continue
            try:
                if now - newest >= retention:
                    _destroy_leftover(hearing_id, room_dir, newest)
                    done["destroyed"] += 1
                    continue
                outcome = attach(hearing_id=hearing_id, rec_dir=str(room_dir),
                                 attempt=settings.COURTVCS_SERVER_RECORDING_ATTEMPTS)
            except Exception:
                log.exception("R4: catch-up of %s failed; tried again at the next one", room_dir)
                continue
            done["attached"] += len(outcome.attached)
            done["failed"] += len(outcome.failed)
        try:
            hearing_dir.rmdir()  # once its last room is gone
        except OSError:
            pass
    return done


def _destroy_leftover(hearing_id: int, room_dir: Path, newest: dt.datetime) -> None:
    """Raw media that never became a recording is not kept longer than a recording is."""
    files = sorted(p.name for p in room_dir.iterdir() if p.is_file())
    hearing = Hearing.objects.filter(pk=hearing_id).first()
    with transaction.atomic():
        if hearing is not None:
            record_event(hearing, "server_recording_leftover_destroyed", None, rule=RULE,
                         data={"rec_dir": room_dir.name, "files": files,
                               "last_written": newest.isoformat(),
                               "reason": f"retention period of "
                                         f"{settings.COURTVCS_RECORDING_RETENTION_DAYS} days ended"})
        shutil.rmtree(room_dir)


# ---- conversion ---------------------------------------------------------------------------

def _run(args: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, capture_output=True, timeout=TOOL_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionFailed(f"{Path(args[0]).name}: {exc}") from exc


def _tail(process: subprocess.CompletedProcess) -> str:
    text = (process.stderr or process.stdout or b"").decode("utf-8", "replace").strip()
    return text.splitlines()[-1][:300] if text else f"exit status {process.returncode}"


def mjr_header(path: Path) -> dict:
    """The .mjr's JSON header: t (a|v), c (codec), s (created), u (first packet), in µs."""
    process = _run([settings.COURTVCS_JANUS_PP_REC, "--json", "--debug-level=0", str(path)])
    try:
        header = json.loads(process.stdout.decode("utf-8", "replace").strip() or "null")
    except ValueError:
        header = None
    if process.returncode != 0 or not isinstance(header, dict) or "c" not in header:
        raise ConversionFailed(f"{path.name}: not a Janus recording ({_tail(process)})")
    return header


def _extract(path: Path, target: Path) -> Path:
    process = _run([settings.COURTVCS_JANUS_PP_REC, "--debug-level=1", str(path), str(target)])
    if process.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise ConversionFailed(f"{path.name}: janus-pp-rec made no media ({_tail(process)})")
    return target


def probe(path: Path) -> dict:
    """{"codecs": {"video": "vp8", "audio": "opus"}, "duration": seconds} of a media file."""
    process = _run([settings.COURTVCS_FFPROBE, "-v", "error", "-show_entries",
                    "stream=codec_type,codec_name:format=duration", "-of", "json", str(path)])
    try:
        info = json.loads(process.stdout or b"{}")
    except ValueError:
        info = {}
    codecs = {s.get("codec_type"): s.get("codec_name") for s in info.get("streams", [])}
    try:
        duration = float(info.get("format", {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    return {"codecs": codecs, "duration": duration}


def convert_feed(feed: Feed, workdir: Path) -> dict:
    """One WebM (VP8 video and/or Opus audio) made from a feed's .mjr files, checked.

    A feed has at most one audio and one video track per publication; should Janus have
    written more (a renegotiation), the longest of each kind is taken.
    """
    tracks = {}
    for kind, paths, codec, suffix in (("video", feed.video, "vp8", ".webm"),
                                       ("audio", feed.audio, "opus", ".opus")):
        best = None
        for path in paths:
            header = mjr_header(path)
            if header.get("c") != codec:
                raise ConversionFailed(f"{path.name}: {header.get('c')} is recorded; "
                                       f"{codec} is expected")
            if best is None or path.stat().st_size > best[0].stat().st_size:
                best = (path, header)
        if best is not None:
            out = _extract(best[0], workdir / f"{feed.feed_id}-{kind}{suffix}")
            tracks[kind] = (out, int(best[1].get("u") or best[1].get("s") or 0))
    if not tracks:
        raise ConversionFailed(f"feed {feed.feed_id}: no audio or video recorded")
    first = min(start for _out, start in tracks.values())
    args = [settings.COURTVCS_FFMPEG, "-hide_banner", "-loglevel", "error", "-y"]
    maps = []
    for n, (kind, (out, start)) in enumerate(sorted(tracks.items(), reverse=True)):
        if start > first:
            args += ["-itsoffset", f"{(start - first) / 1e6:.3f}"]
        args += ["-i", str(out)]
        maps += ["-map", f"{n}:{kind[0]}:0"]
    target = workdir / f"{feed.feed_id}.webm"
    process = _run([*args, *maps, "-c", "copy", "-f", "webm", str(target)])
    if process.returncode != 0 or not target.exists():
        raise ConversionFailed(f"feed {feed.feed_id}: ffmpeg could not mux ({_tail(process)})")
    info = probe(target)
    expected = {k: c for k, c in (("video", "vp8"), ("audio", "opus")) if k in tracks}
    got = {k: info["codecs"].get(k) for k in expected}
    if got != expected or info["duration"] <= 0:
        raise ConversionFailed(f"feed {feed.feed_id}: the WebM is not playable "
                               f"({got}, {info['duration']:.2f} s)")
    started = dt.datetime.fromtimestamp(first / 1e6, tz=dt.UTC) if first else kztime.now()
    return {"path": target, "codecs": list(expected.values()), "duration": info["duration"],
            "started_at": started,
            "stopped_at": started + dt.timedelta(seconds=info["duration"])}


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


# ---- attaching ----------------------------------------------------------------------------

def _attach_feed(hearing: Hearing, directory: Path, feed: Feed, key: str) -> int:
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    # The work is done next to the recordings (same file system: the move is a rename).
    with tempfile.TemporaryDirectory(prefix=".server-", dir=root) as tmp:
        made = convert_feed(feed, Path(tmp))
        sha, size = _sha256_file(made["path"])
        site = str(feed.note.get("site") or "")[:64]
        label = str(feed.note.get("label") or "")[:200] or f"feed {feed.feed_id}"
        final = None
        try:
            # The file is moved into place inside the transaction that makes its rows, and
            # removed again if that transaction does not commit: never one without the other.
            with transaction.atomic():
                recording = Recording.objects.create(
                    hearing=hearing, status=RecordingStatus.COMPLETE,
                    source=RecordingSource.SERVER,
                    mime_type="video/webm;codecs=" + ",".join(made["codecs"]),
                    started_at=made["started_at"], stopped_at=made["stopped_at"],
                    started_by=None, size_bytes=size, chunk_count=1, sha256=sha, site=site,
                    site_label=label, server_key=key,
                    keep_until=made["stopped_at"] + dt.timedelta(
                        days=settings.COURTVCS_RECORDING_RETENTION_DAYS))
                relpath = f"{hearing.pk}/{recording.pk}/{SERVER_FILE}"
                final = root / relpath
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(made["path"], final)
                _fsync_dir(final.parent)
                RecordingChunk.objects.create(recording=recording, seq=0, sha256=sha,
                                              size_bytes=size, stored_at=kztime.now(),
                                              path=relpath)
                facts = {"recording_id": recording.pk, "source": "server", "site": site,
                         "site_label": label, "feed": feed.feed_id, "sha256": sha,
                         "size_bytes": size, "duration_seconds": round(made["duration"], 3),
                         "mime_type": recording.mime_type,
                         "mjr": [p.name for p in feed.files]}
                audit_record(actor=None, action="server_recording_attached", obj=recording,
                             hearing_id=hearing.pk, rule=RULE, after=facts)
                record_event(hearing, "server_recording_attached", None, rule=RULE,
                             data={**facts, "keep_until": recording.keep_until.isoformat()})
                pk, keep_until = recording.pk, recording.keep_until
                transaction.on_commit(lambda: _enqueue_destruction(pk, keep_until), robust=True)
        except BaseException:
            if final is not None:
                shutil.rmtree(final.parent, ignore_errors=True)
            raise
    return recording.pk


def _report_failure(hearing: Hearing, directory: Path, outcome: Outcome, feeds: dict,
                    attempt: int) -> None:
    """Say what could not be attached (audit + timeline) and try again later if allowed."""
    attempts = settings.COURTVCS_SERVER_RECORDING_ATTEMPTS
    retry = attempt < attempts
    data = {"rec_dir": directory.name, "failed": outcome.failed, "attempt": attempt,
            "attempts": attempts, "will_retry": retry, "attached": outcome.attached}
    log.error("R4: server recording of hearing %s, %s: %s", hearing.pk, directory, outcome.failed)
    with transaction.atomic():
        record_event(hearing, "server_recording_failed", None, rule=RULE, data=data)
    if retry:
        from ..tasks import attach_room_recordings

        delay = dt.timedelta(seconds=settings.COURTVCS_SERVER_RECORDING_RETRY_SECONDS * attempt)
        attach_room_recordings.using(run_after=kztime.now() + delay).enqueue(
            hearing.pk, str(directory), feeds, attempt + 1)
