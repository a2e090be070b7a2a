"""A job whose worker died mid-run (power cut, kill) would show "进行中" forever. When a worker
starts, jobs running without any live task are reported failed, in Chinese, so the person knows
to submit again. Only meant for the single-worker installs this platform documents; with several
workers, run this from one of them."""

from __future__ import annotations

from django.utils import timezone

from .choices import JobState
from .models import Job

ABANDONED = "处理进程在任务完成前停止（如服务器重启），任务未完成。请重新提交。"


def fail_abandoned() -> int:
    return Job.objects.filter(state=JobState.RUNNING).update(
        state=JobState.FAILED, message=ABANDONED, finished_at=timezone.now())
