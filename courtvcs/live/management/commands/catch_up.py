"""Enqueue the catch-up tasks: deadlines missed while the worker was stopped (R13, R15),
recordings past their retention (R4), outbox events not yet delivered (R3) and signed acts
whose frozen documents could not be made (R18); and it starts the audit log's periodic
sealing and signed checkpoints (R5, docs/audit.md), the Janus sweep where Janus is used (R15),
and forgets expired idempotency keys.
scripts/run
does it at every start; a production deployment runs it daily too (docs/live.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from courtvcs.audit.tasks import checkpoint_audit_log
from courtvcs.documents.tasks import freeze_signed_acts
from courtvcs.hearings.tasks import fire_due_deadlines
from courtvcs.idempotency.tasks import delete_expired_idempotency_keys
from courtvcs.live.tasks import destroy_expired_recordings, sweep_janus_rooms
from courtvcs.publishing.tasks import catch_up_outbox


class Command(BaseCommand):
    help = ("Enqueue the deadline, recording-retention, outbox and act-freezing catch-ups and the "
            "audit checkpoint chain for the task worker.")

    def handle(self, *args, **options):
        fire_due_deadlines.enqueue()
        destroy_expired_recordings.enqueue()
        catch_up_outbox.enqueue()
        freeze_signed_acts.enqueue()
        # Seals and signs now, then queues itself (one chain however often this runs).
        checkpoint_audit_log.enqueue()
        delete_expired_idempotency_keys.enqueue()
        if settings.COURTVCS_JANUS_SERVERS:
            sweep_janus_rooms.enqueue()  # and again every COURTVCS_JANUS_SWEEP_MINUTES
        self.stdout.write("catch-up tasks enqueued")
