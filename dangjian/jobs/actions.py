"""Writes to jobs: keyword-only, atomic, taking ``acting_user``; each writes its audit record."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dangjian.core.actors import check_actor
from dangjian.core.errors import ActionDenied
from dangjian.core.history import audited_transaction, record_change, record_export

from .choices import JobState
from .context import seal_params
from .kinds import kind_of
from .models import Job
from .tasks import run_job


@audited_transaction()
def job_start(*, acting_user, kind: str, title: str, params: dict | None = None, scope: str = "") -> Job:
    """Queue ``kind`` to run for ``acting_user``. The Job and its queue entry are written in one
    transaction (the queue is a database table), so neither exists without the other."""
    check_actor(acting_user)
    if not acting_user.is_authenticated:
        raise ActionDenied("后台任务须由登录的用户提交（结果只交给提交人）")
    if kind_of(kind) is None:
        raise ValidationError({"kind": f"不支持的任务类型“{kind}”"})
    job = Job.objects.create(kind=kind, title=title[:200], requested_by=acting_user, scope=scope[:300],
                             params_encrypted=seal_params(params or {}), message="排队等待处理")
    result = run_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    record_change(actor=acting_user, action="job_start", obj=job, after={"kind": kind, "scope": job.scope},
                  note=f"提交后台任务：{job.title}")
    return job


@audited_transaction()
def job_download(*, acting_user, job: Job) -> Job:
    """Hand the result file to the person who asked for it, and log that it left the system."""
    check_actor(acting_user)
    if job.requested_by_id != acting_user.pk:
        raise ActionDenied("只能下载本人提交的任务结果")
    if job.state != JobState.DONE or not job.result_file:
        raise ValidationError("任务尚未完成，没有可下载的文件")
    export = job.export or {}
    record_export(actor=acting_user, what=export.get("what") or job.result_name,
                  model=export.get("model") or "jobs.job", rows=job.result_rows, filters=export.get("filters") or {})
    return job
