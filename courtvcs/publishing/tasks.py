"""Background work of publishing (run by `manage.py db_worker`).

R3: every new outbox event puts a delivery run on the queue when its transaction
commits and every failed attempt puts one there for its retry time; `manage.py catch_up`
puts `catch_up_outbox` there at every start, so pending events are sent after any restart
even if the queued runs were lost.
"""

from django.tasks import task

from .services import delivery


@task()
def deliver_outbox() -> dict:
    return delivery.deliver_due().as_dict()


@task()
def catch_up_outbox() -> dict:
    return delivery.catch_up().as_dict()
