"""A task for the task-worker test (tests/test_multinode.py): one notification per run.

Not idempotent on purpose (the service's own tasks re-check their rows and would hide a
task run twice): the number of notifications is the number of times the workers ran it.
"""

from django.tasks import task

from courtvcs.hearings.models import Hearing
from courtvcs.notifications.services import notify
from courtvcs.orgs.models import User


@task()
def notify_window_open(user_id: int, hearing_id: int, n: int) -> int:
    notify([User.objects.get(pk=user_id)], "window_open", hearing=Hearing.objects.get(pk=hearing_id))
    return n
