"""Background work of the audit log (run by `manage.py db_worker`).

`checkpoint_audit_log` seals new entries into the Merkle tree and signs a checkpoint, then
puts itself back on the queue COURTVCS_AUDIT_CHECKPOINT_MINUTES later. `manage.py catch_up`
(or `manage.py audit_checkpoint --enqueue`) starts the chain at every start; a run that finds
the next one already queued does not queue another, so restarts never multiply the chain.
"""

import datetime as dt

from django.conf import settings
from django.tasks import TaskResultStatus, task

from courtvcs import kztime

from . import sealing

TASK_PATH = "courtvcs.audit.tasks.checkpoint_audit_log"


def _next_already_queued() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=TASK_PATH,
                                       run_after__gt=kztime.now()).exists()


def schedule_next() -> None:
    if not _next_already_queued():
        minutes = settings.COURTVCS_AUDIT_CHECKPOINT_MINUTES
        checkpoint_audit_log.using(run_after=kztime.now() + dt.timedelta(minutes=minutes)).enqueue()


@task()
def checkpoint_audit_log() -> dict:
    try:
        return sealing.checkpoint().as_dict()
    finally:
        schedule_next()
