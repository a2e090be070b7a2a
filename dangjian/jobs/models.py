"""Background work the user sees: one ``Job`` per request for long work (a large export, an
import, a rescan), with its progress and its result file; and one ``PeriodicRun`` per run of a
scheduled task, so two workers never run the same day's reminders twice.

The queue itself is django-tasks' database backend (``django_tasks_db``); a Job points at its task
result by id and carries what a person reads: progress, a Chinese message, the file."""

from django.conf import settings
from django.db import models

from .choices import JobState


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", related_name="jobs",
                                     on_delete=models.CASCADE)
    scope = models.CharField("范围", max_length=300, blank=True)
    # The parameters (filters may hold a full ID number typed as a search term) sealed like every
    # other personal value: SM4-GCM under the data key, rotated with it.
    params_encrypted = models.TextField("参数（加密）", blank=True)
    state = models.CharField("状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    result_rows = models.PositiveIntegerField("结果行数", default=0)
    # What the download hands out, for its audit record: {"what", "model", "filters" (masked)}.
    export = models.JSONField("导出说明", default=dict, blank=True)
    task_id = models.CharField("队列编号", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class PeriodicRun(models.Model):
    """One scheduled run (a task name and the period it is for). The unique pair is the lock:
    whichever worker inserts the row first enqueues the task; the others see the row and skip."""

    name = models.CharField("定时任务", max_length=60)
    run_key = models.CharField("周期", max_length=20)
    task_id = models.CharField("队列编号", max_length=64, blank=True)
    created_at = models.DateTimeField("启动时间", auto_now_add=True)

    class Meta:
        verbose_name = "定时任务运行"
        verbose_name_plural = "定时任务运行"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "run_key"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.run_key}"
