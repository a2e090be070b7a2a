"""The worker loop: queue what the schedule says is due, run every ready task, sleep, repeat.
It runs django-tasks-db's own worker in batch rounds, so claiming and recording tasks stay the
library's; this loop only adds the schedule."""

from __future__ import annotations

import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from . import periodic
from .recovery import fail_abandoned


def make_worker(*, worker_id: str | None = None) -> Worker:
    return Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                  max_tasks=None, worker_id=worker_id or get_random_string(32), excluded_queue_names=[])


def run_pending(*, schedule: bool = True) -> int:
    """One round: due scheduled tasks queued (unless ``schedule`` is False), then every ready task
    run; the number run. For ``worker --once`` and tests: unlike the library's loop it never closes
    the database connection between tasks (inside a test's transaction that would throw the test's
    data away)."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    if schedule:
        periodic.enqueue_due()
    worker = make_worker()
    ran = 0
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name=worker.backend_name)
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is not None:
                claimed.claim(worker.worker_id)
        if claimed is None:
            return ran
        worker.run_task(claimed)
        ran += 1


def run_forever(*, interval: float = 2.0, stdout=None) -> None:
    worker = make_worker()
    worker.configure_signals()
    abandoned = fail_abandoned()
    if abandoned and stdout is not None:
        stdout.write(f"上次中断时未完成的任务 {abandoned} 个已标记为失败")
    while worker.running:
        close_old_connections()
        periodic.enqueue_due()
        worker.run()
        if worker.running:
            time.sleep(interval)
