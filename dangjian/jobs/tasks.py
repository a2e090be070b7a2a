"""The one queued task that runs every job, through Django's tasks API (the ``django-tasks``
backport; the database backend, so the single-PC install needs no other server)."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dangjian.core.replicas import primary_lsn, reading

from .choices import JobState
from .context import JobContext
from .kinds import JobFailed, kind_of
from .models import Job
from .periodic import daily

logger = logging.getLogger(__name__)
# an export waits this long for a replica to replay what was committed before it started, then reads the primary
REPLICA_WAIT_SECONDS = 5
INTERNAL_ERROR = "处理时发生内部错误，未生成结果文件。请重新提交；如再次失败，请联系系统管理员（任务编号 {pk}）。"


@task()
def run_job(job_id: int) -> str:
    """Run the job ``job_id`` once. Never raises: the outcome is written on the Job for its owner."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        kind = kind_of(job.kind)
        if kind is None:
            raise JobFailed(f"不支持的任务类型“{job.kind}”")
        if not job.requested_by.is_active:
            raise JobFailed("申请人的账号已停用，任务未执行")
        context = JobContext(job)
        with reading(after=primary_lsn(), wait=REPLICA_WAIT_SECONDS) if kind.reads_replica else nullcontext():
            kind.run(context)
    except JobFailed as exc:
        _finish(job, JobState.FAILED, str(exc) or "任务失败")
        return "failed"
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobState.FAILED, INTERNAL_ERROR.format(pk=job.pk))
        return "failed"
    _finish(job, JobState.DONE, job.message or "已完成")
    return "done"


def _claim(job_id: int) -> Job | None:
    """The queued job, now marked running; None when it is gone or already taken."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return None
        job.state = JobState.RUNNING
        job.started_at = timezone.now()
        job.message = "正在处理"
        job.save(update_fields=["state", "started_at", "message"])
    return job


def _finish(job: Job, state: str, message: str) -> None:
    job.state = state
    job.message = message[:500]
    job.finished_at = timezone.now()
    if state == JobState.DONE and job.total:
        job.done = job.total
    Job.objects.filter(pk=job.pk).update(state=state, message=job.message, finished_at=job.finished_at,
                                         done=job.done, total=job.total)


RETENTION_DAYS = 14


@daily("jobs.cleanup", at=dt.time(4, 0))
@task()
def remove_old_results() -> int:
    """Result files are copies of personal data: kept two weeks for their owner, then removed with
    their job; the queue's own finished entries go at the same age."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=RETENTION_DAYS)
    old = Job.objects.filter(finished_at__lt=cutoff)
    for job in old.exclude(result_file=""):
        job.result_file.delete(save=False)
    removed, _ = old.delete()
    DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return removed
