"""Snapshots: every organisation's figures frozen at a year end (or month end), like a published
report. Nothing edits a snapshot after it is taken; its rows keep the organisation's name, path and
kind as they were, so a later move or rename does not rewrite the past."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel

from .choices import SnapshotKind


class Snapshot(models.Model):
    kind = models.CharField("类型", max_length=20, choices=SnapshotKind.choices)
    period_end = models.DateField("统计截止日期")
    taken_at = models.DateTimeField("生成时间", auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    org_count = models.PositiveIntegerField("党组织数", default=0)

    class Meta:
        verbose_name = "统计快照"
        verbose_name_plural = "统计快照"
        ordering = ["-period_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_end"], name="dashboard_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.period_end:%Y-%m-%d}{self.get_kind_display()}快照"


class SnapshotFigures(ScopedModel):
    """One organisation's figures over its subtree in a snapshot."""

    snapshot = models.ForeignKey(Snapshot, verbose_name="快照", related_name="rows", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", null=True, related_name="+",
                            on_delete=models.SET_NULL)
    path = models.CharField("路径", max_length=255)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("组织类型", max_length=30)
    figures = models.JSONField("统计数据", default=dict)

    scope_path = "path"

    class Meta:
        verbose_name = "快照统计数据"
        verbose_name_plural = "快照统计数据"
        constraints = [models.UniqueConstraint(fields=["snapshot", "path"], name="dashboard_figures_once")]
        indexes = [models.Index(fields=["org", "snapshot"], name="dashboard_figures_by_org")]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.name}"
