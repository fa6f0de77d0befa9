"""`manage.py verify_audit` (issue 7's `verify-audit`): check the audit log against its
signed checkpoints. Exit code 0 when everything holds, 1 with the first bad leaf named."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courtvcs.audit import checkpoints, verification
from courtvcs.audit.models import AuditLeaf


class Command(BaseCommand):
    help = ("Recompute the audit log's Merkle root from the entries, check every checkpoint's "
            "signature, that each checkpoint's root is the tree at its size, and that "
            "consecutive checkpoints are consistent.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint-dir", type=Path,
                            help="default: COURTVCS_AUDIT_CHECKPOINT_DIR")
        parser.add_argument("--public-key", type=Path,
                            help="the public key you trust (PEM); default: the audit-log.pub "
                                 "published in the checkpoint directory")
        parser.add_argument("--entry", type=int,
                            help="also print and check the inclusion proof of this entry id "
                                 "against the latest checkpoint")

    def handle(self, *args, checkpoint_dir=None, public_key=None, entry=None, **options):
        try:
            report = verification.verify(directory=checkpoint_dir, public_key=public_key)
        except checkpoints.CheckpointError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(report.summary())
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning.message}"))
        if entry is not None:
            self._entry(report, entry)
        if report.ok:
            self.stdout.write(self.style.SUCCESS("audit log verified"))
            return
        for problem in report.problems:
            self.stderr.write(problem.message)
        first = report.first_bad_leaf or report.problems[0]
        raise CommandError(f"audit log NOT verified: {first.message}")

    def _entry(self, report, entry_id: int) -> None:
        if not report.checkpoints:
            raise CommandError("no signed checkpoint to prove the entry against")
        cp = report.checkpoints[-1]
        try:
            proof = verification.inclusion_proof(entry_id=entry_id, size=cp.size)
        except (AuditLeaf.DoesNotExist, ValueError) as e:
            raise CommandError(f"entry {entry_id} is not in the tree of {cp.name}") from e
        ok = proof.verifies(cp)
        self.stdout.write(f"entry {entry_id} is leaf {proof.leaf_index} of {cp.name}; proof: "
                          + " ".join(p.hex() for p in proof.proof))
        if not ok:
            raise CommandError(f"the inclusion proof of entry {entry_id} does not verify "
                               f"against {cp.name}")
        self.stdout.write(f"inclusion of entry {entry_id} verified against {cp.name}")
