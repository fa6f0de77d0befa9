"""Sealing the audit log into its Merkle tree and signing checkpoints (docs/audit.md).

`seal()` gives every committed, not yet sealed entry the next leaf index, in one
transaction under a lock, so the log's order is the order entries were sealed in and never
changes (entry ids are not that order: transactions commit out of id order and rolled-back
ones leave gaps). `checkpoint()` seals, then signs the tree's size and root into a file
outside the database. The periodic task (tasks.py) and `manage.py audit_checkpoint` call it.
"""

import datetime as dt
import fcntl
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from courtvcs import kztime

from . import checkpoints, merkle
from .models import AuditEntry, AuditLeaf

log = logging.getLogger(__name__)

LEAF_VERSION = 1
ENTRY_FIELDS = ["id", "at", "actor_id", "actor_label", "action", "object_type", "object_id",
                "hearing_id", "rule", "before", "after"]
SEAL_LOCK = 0x636F7572  # pg_advisory_xact_lock key of the sealing step ("cour")
SEAL_BATCH = 5000


class LogDiverged(Exception):
    """The database no longer holds the tree an earlier checkpoint signed."""


def canonical_leaf(row: tuple) -> bytes:
    """The bytes hashed into the tree for one entry: every field, as stable JSON.

    `row` is the ENTRY_FIELDS values as the database returns them (never the in-memory
    values given to audit_record, which the JSON encoder has not yet turned into text).
    Keys sorted, no spaces, UTF-8, the time in UTC with microseconds; floats keep Python's
    shortest round-trip form and NaN/Infinity are refused, so the same row always gives
    the same bytes on any machine.
    """
    data = dict(zip(ENTRY_FIELDS, row, strict=True))
    at: dt.datetime = data["at"]
    data["at"] = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    data["v"] = LEAF_VERSION
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def entry_leaf_hash(row: tuple) -> bytes:
    return merkle.leaf_hash(canonical_leaf(row))


@contextmanager
def _seal_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
    # SQLite has one writer at a time; a second sealer fails on the leaf's primary key.
    yield


def seal() -> int:
    """Append every committed entry without a leaf to the tree, oldest id first. Returns how
    many were sealed."""
    sealed = 0
    with transaction.atomic():
        with _seal_lock():
            last = AuditLeaf.objects.order_by("-index").values_list("index", flat=True).first()
            next_index = 0 if last is None else last + 1
            now = kztime.now()
            # Ids first (small), then the rows an id range at a time: the range keeps each
            # read on the primary key instead of anti-joining the whole log every batch.
            ids = list(AuditEntry.objects.filter(leaf__isnull=True).order_by("id")
                       .values_list("id", flat=True))
            for i in range(0, len(ids), SEAL_BATCH):
                chunk = ids[i:i + SEAL_BATCH]
                # An entry committed since the ids were read may fall in the range: it is
                # sealed here, in id order with the others.
                rows = list(AuditEntry.objects.filter(id__gte=chunk[0], id__lte=chunk[-1],
                                                      leaf__isnull=True)
                            .order_by("id").values_list(*ENTRY_FIELDS))
                AuditLeaf.objects.bulk_create([
                    AuditLeaf(index=next_index + j, entry_id=row[0],
                              leaf_hash=entry_leaf_hash(row), sealed_at=now)
                    for j, row in enumerate(rows)])
                next_index += len(rows)
                sealed += len(rows)
    return sealed


def sealed_leaf_hashes() -> list[bytes]:
    """The leaf hashes as sealed, in log order (what checkpoints sign)."""
    return [bytes(h) for h in AuditLeaf.objects.order_by("index")
            .values_list("leaf_hash", flat=True).iterator(chunk_size=20000)]


def sealed_entries() -> Iterator[tuple[int, bytes, tuple]]:
    """(leaf index, sealed leaf hash, entry row) in log order, streamed."""
    fields = [f"entry__{f}" for f in ENTRY_FIELDS]
    for index, sealed_hash, *row in (AuditLeaf.objects.order_by("index")
                                     .values_list("index", "leaf_hash", *fields)
                                     .iterator(chunk_size=20000)):
        yield index, bytes(sealed_hash), tuple(row)


def latest_checkpoint(directory: Path, public) -> checkpoints.Checkpoint | None:
    """The largest checkpoint in the directory carrying a valid signature by `public`."""
    for path in reversed(checkpoints.checkpoint_files(directory)):
        try:
            return checkpoints.verify_note(path.read_text(), public, path)
        except (checkpoints.CheckpointError, OSError, UnicodeDecodeError):
            log.error("audit checkpoint %s does not verify; skipped", path)
    return None


@dataclass
class CheckpointRun:
    sealed: int
    size: int
    root: str
    written: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@contextmanager
def _directory_lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def checkpoint(directory: Path | None = None) -> CheckpointRun:
    """Seal, then sign the tree if it grew since the last checkpoint.

    Refuses (LogDiverged) when the sealed leaves no longer extend what was signed before:
    the leaf-hash file outside the database must be a prefix of the database's leaves, and
    the tree at the last checkpoint's size must have that checkpoint's root. A log that was
    rewritten is then reported by verify_audit instead of being signed over.
    """
    directory = directory or checkpoints.checkpoint_dir()
    sealed = seal()
    key = checkpoints.signing_key()
    public = key.public_key()
    with _directory_lock(directory):
        checkpoints.publish_public_key(public, directory)
        hashes = sealed_leaf_hashes()
        kept = checkpoints.read_leaf_hashes(directory)
        if len(kept) > len(hashes) or hashes[:len(kept)] != kept:
            first = next((i for i, (a, b) in enumerate(zip(kept, hashes, strict=False)) if a != b),
                         len(hashes))
            raise LogDiverged(f"the database's leaves differ from {checkpoints.LEAF_HASHES_FILE} "
                              f"from leaf {first} on")
        last = latest_checkpoint(directory, public)
        tree = merkle.Tree(hashes)
        if last is not None and (last.size > tree.size or tree.root(last.size) != last.root):
            raise LogDiverged(f"the tree at size {last.size} no longer has the root signed in "
                              f"{last.name}")
        if len(kept) < len(hashes):
            checkpoints.append_leaf_hashes(directory, len(kept), hashes[len(kept):])
        root = tree.root()
        if last is not None and last.size == tree.size:
            return CheckpointRun(sealed, tree.size, root.hex(), "")
        note = checkpoints.Checkpoint(origin=checkpoints.origin(), size=tree.size, root=root,
                                      time=kztime.now())
        path = checkpoints.write(note, key, directory)
    log.info("audit checkpoint %s: %d leaves, root %s", path.name, tree.size, root.hex())
    return CheckpointRun(sealed, tree.size, root.hex(), str(path))
