"""Background work of the audit log (run by `manage.py db_worker`).

`checkpoint_audit_log` seals new entries into the Merkle tree and signs a checkpoint, then
puts itself back on the queue COURTVCS_AUDIT_CHECKPOINT_MINUTES later. `manage.py catch_up`
(or `manage.py audit_checkpoint --enqueue`) starts the chain at every start; a run that finds
the next one already queued does not queue another, so restarts never multiply the chain.
"""

from django.conf import settings
from django.tasks import task

from courtvcs import periodic

from . import sealing

TASK_PATH = "courtvcs.audit.tasks.checkpoint_audit_log"


def schedule_next() -> None:
    periodic.schedule_next(checkpoint_audit_log, TASK_PATH, settings.COURTVCS_AUDIT_CHECKPOINT_MINUTES)


@task()
def checkpoint_audit_log() -> dict:
    try:
        return sealing.checkpoint().as_dict()
    finally:
        schedule_next()
