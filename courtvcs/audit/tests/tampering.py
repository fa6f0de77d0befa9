"""A log to tamper with, and the ways someone with the database owner's rights would do it.
Shared by the tests and bench/audit_bench.py."""

import datetime as dt
from contextlib import contextmanager

from django.db import connection

from courtvcs.audit import sealing
from courtvcs.audit.models import AuditEntry, AuditLeaf

START = dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)


def fill_log(count: int, start_id: int = 1) -> None:
    """`count` entries of the shapes audit_record writes, inserted in bulk."""
    AuditEntry.objects.bulk_create([
        AuditEntry(id=start_id + i, at=START + dt.timedelta(seconds=start_id + i),
                   actor_label=f"secretary{i % 7} (secretary)", action=("book", "move", "close")[i % 3],
                   object_type="hearings.hearing", object_id=str(i // 3), hearing_id=i // 3,
                   rule="R10" if i % 2 else "",
                   before=None if i % 3 == 0 else {"status": "draft", "room": "Зал №2"},
                   after={"status": "booked", "starts_at": "2026-12-01T05:00:00Z", "ratio": 0.1 + i,
                          "sites": [i, i + 1]})
        for i in range(count)], batch_size=5000)


@contextmanager
def rewriting_allowed():
    """Switch the append-only triggers off, as someone with the database's owner rights could;
    the surrounding transaction (the test's) puts them back when it rolls back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Ordinary triggers do not fire for a replication session (a superuser's right).
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_append_only")
            cursor.execute("DROP TRIGGER IF EXISTS audit_leaf_append_only")
    yield connection.cursor()


def rewrite_entry_only(entry_id: int, **fields) -> None:
    with rewriting_allowed():
        AuditEntry.objects.filter(pk=entry_id).update(**fields)


def rewrite(entry_id: int, **fields) -> None:
    """Change an entry and recompute its sealed leaf hash, so the database agrees with itself."""
    with rewriting_allowed():
        AuditEntry.objects.filter(pk=entry_id).update(**fields)
        row = AuditEntry.objects.values_list(*sealing.ENTRY_FIELDS).get(pk=entry_id)
        AuditLeaf.objects.filter(entry_id=entry_id).update(leaf_hash=sealing.entry_leaf_hash(row))


def delete(entry_id: int) -> None:
    with rewriting_allowed() as cursor:
        cursor.execute("DELETE FROM audit_auditleaf WHERE entry_id = %s", [entry_id])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry_id])


def swap(a: int, b: int) -> None:
    """Exchange the places of two entries in the log, with their sealed hashes, so the
    database agrees with itself."""
    ia, ib = (AuditLeaf.objects.get(entry_id=e).index for e in (a, b))
    with rewriting_allowed():
        ha, hb = (bytes(AuditLeaf.objects.get(index=i).leaf_hash) for i in (ia, ib))
        AuditLeaf.objects.filter(index=ia).update(entry_id=-1)
        AuditLeaf.objects.filter(index=ib).update(entry_id=a, leaf_hash=ha)
        AuditLeaf.objects.filter(index=ia).update(entry_id=b, leaf_hash=hb)
