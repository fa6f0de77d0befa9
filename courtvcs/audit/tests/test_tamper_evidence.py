"""The audit log is tamper-evident (issue 7; R5, R6): entries are sealed into an RFC 9162
Merkle tree, checkpoints are signed outside the database, and `verify_audit` finds an
edited, deleted or reordered entry and names it.

The log here has COURTVCS_AUDIT_TEST_ENTRIES entries (2,000 by default, to keep the suite
quick); bench/audit_bench.py runs the same tampering on 100,000 entries.
"""

import base64
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.tasks import TaskResultStatus

from courtvcs.audit import checkpoints, merkle, sealing, tasks, verification
from courtvcs.audit.models import AppendOnlyError, AuditEntry, AuditLeaf
from courtvcs.audit.services import audit_record

from .tampering import (
    START, delete, fill_log, rewrite, rewrite_entry_only, rewriting_allowed, swap,
)

ENTRIES = int(os.environ.get("COURTVCS_AUDIT_TEST_ENTRIES", "2000"))


@pytest.fixture
def audit_dirs(settings, tmp_path):
    settings.COURTVCS_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.COURTVCS_AUDIT_SIGNING_KEY = tmp_path / "keys" / "audit.pem"
    settings.COURTVCS_AUDIT_GENERATE_KEY = True
    return settings.COURTVCS_AUDIT_CHECKPOINT_DIR


def verify_fails(directory) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", checkpoint_dir=directory, stdout=open(os.devnull, "w"),
                     stderr=open(os.devnull, "w"))
    return str(caught.value)


@pytest.fixture
def sealed_log(db, audit_dirs):
    fill_log(ENTRIES)
    run = sealing.checkpoint()
    assert run.size == ENTRIES and run.written
    return audit_dirs


def leaf_of(entry_id: int) -> int:
    return AuditLeaf.objects.get(entry_id=entry_id).index


# --- sealing and checkpoints ------------------------------------------------------------

def test_r5_entries_are_sealed_in_commit_order_and_a_signed_checkpoint_lands_outside_the_database(
        world, audit_dirs):
    first = audit_record(actor=world.secretary, action="probe", obj=world.room)
    assert sealing.checkpoint().size == 1
    # An entry with a smaller id committed later (a slow transaction) takes the next place:
    # the order of the log is the order of sealing, fixed once.
    late = AuditEntry.objects.create(id=first.pk - 1 if first.pk > 1 else 10_000, at=first.at,
                                     actor_label="system", action="late", object_type="x",
                                     object_id="1")
    newer = audit_record(actor=world.secretary, action="probe2", obj=world.room)
    run = sealing.checkpoint()
    assert run.sealed == 2 and run.size == 3
    assert list(AuditLeaf.objects.values_list("entry_id", flat=True)) == [
        first.pk, *sorted([late.pk, newer.pk])]

    names = sorted(p.name for p in audit_dirs.iterdir() if not p.name.startswith("."))
    assert names == ["audit-log.pub", "checkpoint-000000000001.txt", "checkpoint-000000000003.txt",
                     "leaf-hashes.bin"]
    note = (audit_dirs / "checkpoint-000000000003.txt").read_text()
    assert note.startswith("courtvcs audit log\n3\n")
    assert "\n\n\u2014 courtvcs-audit " in note
    # The key was made on first use, readable by its owner only, and its public half published.
    assert stat.S_IMODE(os.stat(audit_dirs.parent / "keys" / "audit.pem").st_mode) == 0o600
    assert checkpoints.signing_key().public_key() == checkpoints.load_public_key(
        audit_dirs / "audit-log.pub")
    # Nothing new: no new checkpoint.
    assert sealing.checkpoint().written == ""
    call_command("verify_audit", stdout=open(os.devnull, "w"))


def test_r5_a_production_key_that_is_missing_is_not_silently_replaced(db, audit_dirs, settings):
    from django.core.exceptions import ImproperlyConfigured
    settings.COURTVCS_AUDIT_GENERATE_KEY = False
    with pytest.raises(ImproperlyConfigured):
        sealing.checkpoint()


def test_r5_the_periodic_checkpoint_queues_its_next_run_once(db, audit_dirs):
    from django_tasks_db.models import DBTaskResult
    fill_log(5)
    assert tasks.checkpoint_audit_log.call()["size"] == 5
    tasks.checkpoint_audit_log.call()
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=tasks.TASK_PATH)
    assert queued.count() == 1
    assert queued.get().run_after > START


def test_r5_an_intact_log_verifies(sealed_log):
    fill_log(10, start_id=ENTRIES + 1)  # newer entries, not yet sealed, are not an error
    report = verification.verify()
    assert report.ok, report.problems
    assert report.leaves == ENTRIES and report.unsealed == 10
    call_command("verify_audit", stdout=open(os.devnull, "w"))


# --- tampering ----------------------------------------------------------------------------

def test_r5_editing_one_entry_is_detected_and_named(sealed_log):
    victim = ENTRIES // 3 + 1
    rewrite_entry_only(victim, action="never happened")
    message = verify_fails(sealed_log)
    assert f"leaf {leaf_of(victim)} (entry id {victim})" in message


def test_r5_editing_one_entry_and_its_sealed_hash_is_still_named_by_the_signed_leaves(sealed_log):
    victim = ENTRIES - 7
    rewrite(victim, after={"status": "rewritten"})
    report = verification.verify()
    assert report.first_bad_leaf.entry_id == victim
    assert f"leaf {leaf_of(victim)} (entry id {victim})" in verify_fails(sealed_log)


def test_r5_deleting_one_entry_is_detected(sealed_log):
    victim = ENTRIES // 2
    index = leaf_of(victim)
    delete(victim)
    message = verify_fails(sealed_log)
    assert f"leaves {index}..{index} are missing" in message


def test_r5_deleting_the_last_entry_is_detected(sealed_log):
    delete(ENTRIES)
    message = verify_fails(sealed_log)
    assert f"leaves {ENTRIES - 1}..{ENTRIES - 1} are missing" in message


def test_r5_swapping_two_entries_in_the_log_is_detected_and_named(sealed_log):
    a, b = 11, ENTRIES - 100
    ia = leaf_of(a)
    swap(a, b)
    report = verification.verify()
    assert [p.entry_id for p in report.problems if p.entry_id] == [b, a]
    assert f"leaf {ia} (entry id {b})" in verify_fails(sealed_log)


def test_r5_a_rewrite_is_bounded_by_the_checkpoints_even_without_the_signed_leaf_file(
        sealed_log):
    fill_log(10, start_id=ENTRIES + 1)
    sealing.checkpoint()
    (sealed_log / checkpoints.LEAF_HASHES_FILE).unlink()
    victim = 5
    rewrite(victim, actor_label="someone else")
    message = verify_fails(sealed_log)
    assert f"checkpoint-{ENTRIES:012d}.txt: it changed between leaf 0 and leaf {ENTRIES - 1}" in message


def test_r5_the_service_refuses_to_sign_over_a_rewritten_log(sealed_log):
    rewrite(3, action="rewritten")
    fill_log(1, start_id=ENTRIES + 1)
    with pytest.raises(sealing.LogDiverged):
        sealing.checkpoint()
    with pytest.raises(CommandError, match="not signed"):
        call_command("audit_checkpoint", stdout=open(os.devnull, "w"))


def test_r5_an_entry_added_later_with_an_earlier_date_is_pointed_out(sealed_log, capsys):
    fill_log(1, start_id=ENTRIES + 1)  # dated in early November, sealed after the checkpoint
    sealing.checkpoint()
    report = verification.verify()
    assert report.ok
    assert [(w.leaf_index, w.entry_id) for w in report.warnings] == [(ENTRIES, ENTRIES + 1)]
    call_command("verify_audit")
    assert f"warning: leaf {ENTRIES} (entry id {ENTRIES + 1}) is dated" in capsys.readouterr().out


# --- checkpoints ------------------------------------------------------------------------

def test_r5_a_forged_checkpoint_is_detected(sealed_log):
    forged = checkpoints.Checkpoint(origin="courtvcs audit log", size=ENTRIES + 5,
                                    root=b"\x07" * 32, time=START)
    checkpoints.write(forged, Ed25519PrivateKey.generate(), sealed_log)
    assert "checkpoint-%012d.txt: no valid signature" % (ENTRIES + 5) in verify_fails(sealed_log)


def test_r5_a_checkpoint_whose_root_was_edited_is_detected(sealed_log):
    path = sealed_log / f"checkpoint-{ENTRIES:012d}.txt"
    lines = path.read_text().split("\n")
    lines[2] = base64.b64encode(merkle.EMPTY_ROOT).decode()
    path.write_text("\n".join(lines))
    assert f"checkpoint-{ENTRIES:012d}.txt" in verify_fails(sealed_log)


def test_r5_checkpoints_that_do_not_extend_each_other_are_detected(db, audit_dirs):
    # Someone holding the key rewrites entry 3 and signs a new history over it.
    fill_log(10)
    sealing.checkpoint()
    fill_log(10, start_id=11)
    sealing.checkpoint()
    rewrite(3, action="rewritten")
    (audit_dirs / f"checkpoint-{20:012d}.txt").unlink()
    (audit_dirs / checkpoints.LEAF_HASHES_FILE).unlink()
    tree = merkle.Tree(sealing.sealed_leaf_hashes())
    checkpoints.write(checkpoints.Checkpoint(origin="courtvcs audit log", size=20,
                                             root=tree.root(), time=START),
                      checkpoints.signing_key(), audit_dirs)
    report = verification.verify()
    assert any("are not consistent" in p.message for p in report.problems)


def test_r5_an_inclusion_proof_of_one_entry_verifies_against_the_signed_checkpoint(sealed_log):
    report = verification.verify()
    cp = report.checkpoints[-1]
    entry_id = ENTRIES // 4
    proof = verification.inclusion_proof(entry_id=entry_id, size=cp.size)
    assert proof.leaf_index == leaf_of(entry_id)
    assert proof.verifies(cp)
    assert len(proof.proof) <= (ENTRIES - 1).bit_length()
    # A proof for another leaf, at another place, or after the entry changed, fails.
    other = verification.inclusion_proof(entry_id=entry_id + 1, size=cp.size)
    assert not merkle.verify_inclusion(index=proof.leaf_index, size=cp.size,
                                       leaf=other.leaf_hash, proof=proof.proof, root=cp.root)
    assert not merkle.verify_inclusion(index=proof.leaf_index + 1, size=cp.size,
                                       leaf=proof.leaf_hash, proof=proof.proof, root=cp.root)
    with rewriting_allowed():
        AuditEntry.objects.filter(pk=entry_id).update(object_id="999999")
    assert not verification.inclusion_proof(entry_id=entry_id, size=cp.size).verifies(cp)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_audit", entry=entry_id, stdout=open(os.devnull, "w"),
                     stderr=open(os.devnull, "w"))


# --- the database's own guard -----------------------------------------------------------

def test_r5_the_database_refuses_to_rewrite_the_log_order(sealed_log):
    leaf = AuditLeaf.objects.get(index=0)
    with pytest.raises(AppendOnlyError):
        leaf.save()
    with pytest.raises(AppendOnlyError):
        leaf.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLeaf.objects.filter(index=0).update(entry_id=2)


@pytest.mark.postgres
def test_r5_postgresql_refuses_update_and_delete_on_entries_and_leaves(sealed_log):
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = 1",
                "DELETE FROM audit_auditentry WHERE id = 1",
                "UPDATE audit_auditleaf SET leaf_hash = leaf_hash WHERE index = 0",
                "DELETE FROM audit_auditleaf WHERE index = 0"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    assert verification.verify().ok


def test_r5_sqlite_refuses_updates_and_leaves_deletes_to_the_orm_guard(sealed_log):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own trigger")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=1).update(action="x")
    # DELETE is not refused by SQLite (the test runner flushes with it), but verify_audit sees it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditleaf WHERE entry_id = 1")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = 1")
    assert "leaves 0..0 are missing" in verify_fails(sealed_log)
