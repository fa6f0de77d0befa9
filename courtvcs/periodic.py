"""Tasks that put themselves back on the queue: one chain per task, however often started.

The database task backend has no timer. A periodic task runs, then enqueues its next run
`minutes` later, unless a later run of it is already waiting (a restart's `catch_up`
started another chain). Used by the audit log's checkpoints and the Janus sweep.
"""

import datetime as dt

from django.tasks import TaskResultStatus

from courtvcs import kztime


def next_already_queued(task_path: str) -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_path,
                                       run_after__gt=kztime.now()).exists()


def schedule_next(task, task_path: str, minutes: float) -> None:
    if not next_already_queued(task_path):
        task.using(run_after=kztime.now() + dt.timedelta(minutes=minutes)).enqueue()
