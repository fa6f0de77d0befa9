"""Audit log benchmark: sealing, signing and verifying a log of N entries (issue 7).

Inserts N audit entries in bulk, then measures:

  seal+sign   manage.py audit_checkpoint's work: seal N entries into the Merkle tree and
              sign a checkpoint (then 1,000 more, for a second checkpoint)
  verify      manage.py verify_audit over the intact log
  tampered    verify_audit after each of: editing one entry, editing one entry and its
              sealed hash, deleting one entry, swapping two entries; each must be detected
              and name the entry (each change is rolled back afterwards)
  proof       an inclusion proof of one entry against the latest checkpoint

Each figure is wall time and this process's CPU time (SQLite runs in the process; with
PostgreSQL the server's time is in the wall figure only).

    .venv/bin/python bench/audit_bench.py [--entries 100000] [--database-url URL]

Without --database-url it runs on a fresh SQLite file, var/bench/audit_bench.sqlite3.
A PostgreSQL database is created if missing, migrated and EMPTIED first (name it *bench*).
Checkpoints and the key go to var/bench/audit-checkpoints and var/bench/audit-key.pem.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default="",
                        help="postgres://user@host:port/name_bench; default: a fresh SQLite file")
    return parser.parse_args()


def prepare_environment(args: argparse.Namespace) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        if "bench" not in args.database_url.rsplit("/", 1)[-1]:
            sys.exit("the benchmark empties its database: give one whose name has 'bench' in it")
        sys.path.insert(0, str(REPO / "bench"))
        from booking_bench import ensure_postgres_database
        ensure_postgres_database(args.database_url)
        url = args.database_url
    else:
        sqlite = BENCH_DIR / "audit_bench.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{sqlite}"
    shutil.rmtree(BENCH_DIR / "audit-checkpoints", ignore_errors=True)
    (BENCH_DIR / "audit-key.pem").unlink(missing_ok=True)
    os.environ.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "courtvcs.settings",
        "COURTVCS_AUDIT_CHECKPOINT_DIR": str(BENCH_DIR / "audit-checkpoints"),
        "COURTVCS_AUDIT_SIGNING_KEY": str(BENCH_DIR / "audit-key.pem"),
        "COURTVCS_AUDIT_GENERATE_KEY": "1",
        "TASKS_BACKEND": "django.tasks.backends.dummy.DummyBackend",
    })
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))


class Rollback(Exception):
    pass


def timed(label: str, fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label:<44} {time.perf_counter() - started:7.2f} s wall "
          f"{time.process_time() - cpu:7.2f} s CPU")
    return result


def main() -> None:
    args = parse_args()
    prepare_environment(args)
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from courtvcs.audit import sealing, verification
    from courtvcs.audit.models import AuditLeaf
    from courtvcs.audit.tests import tampering

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    n = args.entries
    print(f"audit log of {n} entries on {connection.vendor}")
    timed(f"insert {n} entries (bulk)", lambda: tampering.fill_log(n))
    run = timed(f"seal {n} + sign checkpoint", sealing.checkpoint)
    tampering.fill_log(1000, start_id=n + 1)
    timed("seal 1000 more + sign checkpoint", sealing.checkpoint)
    total = run.size + 1000
    report = timed(f"verify_audit, intact ({total} leaves)", verification.verify)
    assert report.ok, report.problems

    def tampered(label: str, change, expect: str) -> None:
        try:
            with transaction.atomic():
                change()
                report = timed(f"verify_audit, {label}", verification.verify)
                first = report.first_bad_leaf or report.problems[0]
                assert expect in first.message, first.message
                print(f"    -> {first.message}")
                raise Rollback
        except Rollback:
            pass

    victim = n // 2 + 1
    index = AuditLeaf.objects.get(entry_id=victim).index
    tampered("one entry edited", lambda: tampering.rewrite_entry_only(victim, action="x"),
             f"leaf {index} (entry id {victim})")
    tampered("one entry and its sealed hash edited",
             lambda: tampering.rewrite(victim, action="x"), f"leaf {index} (entry id {victim})")
    tampered("one entry deleted", lambda: tampering.delete(victim), f"leaves {index}..{index}")
    tampered("two entries swapped", lambda: tampering.swap(victim, 17),
             f"leaf {AuditLeaf.objects.get(entry_id=17).index} (entry id {victim})")

    cp = report.checkpoints[-1]
    proof = timed("inclusion proof of one entry", lambda: verification.inclusion_proof(
        entry_id=victim, size=cp.size))
    assert proof.verifies(cp)
    print(f"    -> leaf {proof.leaf_index} of {cp.size}, {len(proof.proof)} hashes, verified")


if __name__ == "__main__":
    main()
