"""Seal new audit entries into the Merkle tree and sign a checkpoint now (docs/audit.md)."""

from django.core.management.base import BaseCommand, CommandError

from courtvcs.audit import sealing, tasks


class Command(BaseCommand):
    help = ("Seal the audit entries committed since the last run and write a signed checkpoint "
            "to COURTVCS_AUDIT_CHECKPOINT_DIR. --enqueue instead starts the periodic task.")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="queue the periodic checkpoint task for the task worker")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            tasks.checkpoint_audit_log.enqueue()
            self.stdout.write("audit checkpoint task enqueued")
            return
        try:
            run = sealing.checkpoint()
        except sealing.LogDiverged as e:
            raise CommandError(f"not signed: {e}; run manage.py verify_audit") from e
        what = f"wrote {run.written}" if run.written else "no new leaves, no new checkpoint"
        self.stdout.write(f"sealed {run.sealed} entries; tree of {run.size} leaves, root "
                          f"{run.root}; {what}")
