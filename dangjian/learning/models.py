"""学习教育: programmes (中心组学习, 讲习所, 轮训, 理论夜校), their sessions and who attended, and the
yearly 学时 target. Attendance is recorded by the organiser from the roster, like a meeting:
there is no check-in by members, no time-on-page counting and no ranking by study time (the 2026
national rules forbid using study time as an assessment criterion), and nothing here records any.

A 中心组 session linked to an orglife ``Meeting`` (类型「理论学习中心组学习」) takes its attendance
from that meeting: it is entered once, in 组织生活, and the 学时 follow."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from .choices import DEFAULT_HOURS_TARGET, ProgrammeKind


class Programme(VersionedModel):
    org = models.ForeignKey("orgs.Organization", verbose_name="组织单位", related_name="+", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=20, choices=ProgrammeKind.choices)
    title = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    description = models.TextField("计划内容", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "学习计划"
        verbose_name_plural = "学习计划"
        ordering = ["-year", "org__path", "id"]

    def __str__(self) -> str:
        return self.title


class Session(VersionedModel):
    programme = models.ForeignKey(Programme, verbose_name="学习计划", related_name="sessions",
                                  on_delete=models.CASCADE)
    title = models.CharField("学习内容", max_length=200)
    held_on = models.DateField("日期")
    speaker = models.CharField("主讲人", max_length=50, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    meeting = models.OneToOneField("orglife.Meeting", verbose_name="对应的组织生活会议", null=True, blank=True,
                                   related_name="study_session", on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    scope_path = "programme__org__path"

    class Meta:
        verbose_name = "学习活动"
        verbose_name_plural = "学习活动"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="learning_session_held")]

    def __str__(self) -> str:
        return self.title


class SessionAttendance(ScopedModel):
    """A member the organiser recorded as present (sessions not linked to a meeting)."""

    session = models.ForeignKey(Session, verbose_name="学习活动", related_name="attendances",
                                on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="+", on_delete=models.PROTECT)

    scope_path = "session__programme__org__path"

    class Meta:
        verbose_name = "参学记录"
        verbose_name_plural = "参学记录"
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="learning_attend_once")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"


class HoursTarget(ScopedModel):
    """The year's 学时 target an organisation sets for the members in its subtree (the nearest
    organisation above a member that set one wins; none: DEFAULT_HOURS_TARGET)."""

    org = models.ForeignKey("orgs.Organization", verbose_name="设置单位", related_name="+", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("年度")
    hours = models.DecimalField("年度学时目标", max_digits=5, decimal_places=1, default=DEFAULT_HOURS_TARGET)

    class Meta:
        verbose_name = "学时目标"
        verbose_name_plural = "学时目标"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="learning_target_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.hours}"
