"""Background work of the hearing workflow (run by `manage.py db_worker`)."""

from django.tasks import task

from .services import deadlines


@task()
def fire_deadline(deadline_id: int) -> str:
    return deadlines.fire(deadline_id)


@task()
def fire_due_deadlines() -> int:
    return deadlines.fire_due()
