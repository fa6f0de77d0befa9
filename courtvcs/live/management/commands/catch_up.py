"""Enqueue the catch-up tasks: deadlines missed while the worker was stopped (R13, R15)
and recordings past their retention (R4). scripts/run does it at every start; a
production deployment runs it daily too (docs/live.md)."""

from django.core.management.base import BaseCommand

from courtvcs.hearings.tasks import fire_due_deadlines
from courtvcs.live.tasks import destroy_expired_recordings


class Command(BaseCommand):
    help = "Enqueue the deadline and recording-retention catch-ups for the task worker."

    def handle(self, *args, **options):
        fire_due_deadlines.enqueue()
        destroy_expired_recordings.enqueue()
        self.stdout.write("catch-up tasks enqueued")
