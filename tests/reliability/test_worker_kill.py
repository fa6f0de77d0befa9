"""R13: the task worker killed in the middle of firing a deadline.

A real `manage.py db_worker` process fires the overdue test-request deadline of a
hearing (R13). The test makes it stop half-way -- after it has written the inbox items,
before it has written the timeline event -- by holding a lock on the timeline table, then
kills it (SIGKILL, as the OOM killer or a lost machine would). Its transaction dies with
its connection: nobody has an alert yet. A new worker then runs the catch-up
(fire_due_deadlines, which scripts/run and a daily job enqueue): the deadline fires again,
and the secretary and the head of the office each get the alert exactly once; firing it
once more changes nothing.
"""

import os
import signal
import time

import psycopg
import pytest
from django.db import connection

from courtvcs.hearings.models import Deadline
from courtvcs.hearings.tasks import fire_due_deadlines
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at, build_world
from courtvcs.notifications.models import Notification
from tests.e2e.nodes import WorkerProcess, node_environment

from .killing import _conninfo

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def blocked_on_a_lock(admin) -> bool:
    return admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                         "AND wait_event_type = 'Lock'").fetchone()[0] > 0


def alerts(hearing_id) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(hearing_id=hearing_id, kind="deadline_test_request")
                  .values_list("recipient__username", "kind"))


def test_r13_a_worker_killed_mid_task_leaves_no_alert_and_the_rerun_alerts_each_person_once(
        api, clock, tmp_path):
    world = build_world()
    flow = Flow(world, api, clock, starts_at=at(5, 10))
    flow.book()
    flow.decide()
    deadline = Deadline.objects.get(hearing_id=flow.hearing_id, kind="test_request")
    clock.move_to(at(3, 0, 1))  # the test request is overdue (R13)
    connection.close()
    env = node_environment(redis_url="", prefix="worker-kill", clock=at(3, 0, 1),
                           extra={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    first = WorkerProcess(env, "worker-1", tmp_path, "--interval", "0.2", "--no-startup-delay")
    second = WorkerProcess(env, "worker-2", tmp_path, "--interval", "0.2", "--no-startup-delay")

    with psycopg.connect(**_conninfo()) as blocker, psycopg.connect(**_conninfo(), autocommit=True) as admin:
        blocker.execute("LOCK TABLE hearings_timelineevent IN SHARE ROW EXCLUSIVE MODE")
        try:
            first.start()
            wait_for(lambda: blocked_on_a_lock(admin), "the worker to be half-way through the deadline")
            os.killpg(first.process.pid, signal.SIGKILL)
            first.process.wait(30)
        finally:
            blocker.rollback()

    # The killed worker's transaction is gone with its connection.
    deadline.refresh_from_db()
    assert deadline.status == "pending"
    assert alerts(flow.hearing_id) == []

    fire_due_deadlines.enqueue()
    try:
        second.start()
        wait_for(lambda: Deadline.objects.get(pk=deadline.pk).status == "fired", "the catch-up")
        fire_due_deadlines.enqueue()  # once more: the deadline has fired, nothing is sent again
        time.sleep(3)
    finally:
        second.stop()
        print(first.log_tail(), second.log_tail(), sep="\n")

    assert alerts(flow.hearing_id) == [("officehead", "deadline_test_request"),
                                       ("secretary", "deadline_test_request")]
