from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel
from dangjian.orgs.choices import OrgKind

from .choices import AttendanceStatus, FlagKind, MeetingStatus, MeetingType, Period, QuorumBase


class CustomMeetingType(ScopedModel):
    """A meeting type an organisation adds; its subtree may record meetings of it."""

    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="+", on_delete=models.CASCADE)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "自定义会议类型"
        verbose_name_plural = "自定义会议类型"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="orglife_unique_custom_type")]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"custom-{self.pk}"


class RuleSetting(ScopedModel):
    """One quota set by ``owner`` for the organisations of ``org_kind`` below it, for one year.
    Rows are per year, so editing this year's rules never rewrites last year's result."""

    owner = models.ForeignKey("orgs.Organization", verbose_name="制定单位", related_name="+", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("年度")
    org_kind = models.CharField("适用组织类型", max_length=30, choices=OrgKind.choices)
    meeting_type = models.CharField("会议类型", max_length=40)
    period = models.CharField("频次周期", max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField("每期至少次数", default=1)
    quorum_base = models.CharField("法定人数基数", max_length=20, choices=QuorumBase.choices, default=QuorumBase.NONE)
    leave_excluded = models.BooleanField("请假者不计入应到人数", default=False)
    active = models.BooleanField("启用", default=True)
    # Versioned without VersionedModel's ``updated_at``: adding one would stamp every existing row.
    version = models.PositiveIntegerField("版本", default=1)

    scope_path = "owner__path"

    class Meta:
        verbose_name = "组织生活规则"
        verbose_name_plural = "组织生活规则"
        constraints = [models.UniqueConstraint(fields=["owner", "year", "org_kind", "meeting_type"],
                                               name="orglife_unique_rule")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_org_kind_display()} {self.meeting_type}"


COUNTED = ["expected_count", "present_count", "leave_count", "voting_expected", "voting_present", "voting_leave",
           "committee_expected", "committee_present", "committee_leave"]


def type_codes_of(types) -> str:
    return ",".join(sorted(set(types)))


class Meeting(VersionedModel):
    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="meetings",
                            on_delete=models.PROTECT)
    title = models.CharField("会议名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD)
    held_at = models.DateTimeField("召开时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    topics = models.TextField("议题", blank=True)
    minutes = models.TextField("会议内容", blank=True)
    decisions = models.TextField("决议", blank=True)
    lecturer = models.CharField("党课讲授人", max_length=50, blank=True)
    lecture_title = models.CharField("党课题目", max_length=200, blank=True)
    # Attendance counted when the record is saved, so compliance reads one row per meeting.
    expected_count = models.PositiveIntegerField("应到", default=0)
    present_count = models.PositiveIntegerField("实到", default=0)
    leave_count = models.PositiveIntegerField("请假", default=0)
    absent_count = models.PositiveIntegerField("缺席", default=0)
    voting_expected = models.PositiveIntegerField("应到正式党员", default=0)
    voting_present = models.PositiveIntegerField("实到正式党员", default=0)
    voting_leave = models.PositiveIntegerField("请假正式党员", default=0)
    committee_expected = models.PositiveIntegerField("应到委员", default=0)
    committee_present = models.PositiveIntegerField("实到委员", default=0)
    committee_leave = models.PositiveIntegerField("请假委员", default=0)
    # The types the meeting counts for, sorted and comma-joined: a copy of its type links kept by the
    # actions, so the compliance report reads one narrow index instead of joining 200,000 links.
    type_codes = models.CharField("会议类型代码", max_length=400, blank=True, editable=False)
    # MinHash sketch of the minutes (hex), made when saved: the copied-minutes scan reads only this.
    sketch = models.TextField("记录特征", blank=True, editable=False)
    entered_at = models.DateTimeField("录入时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    amendment_count = models.PositiveIntegerField("更正次数", default=0)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-held_at", "-id"]
        indexes = [
            models.Index(fields=["org", "held_at"]),
            # Covering on PostgreSQL (an index-only scan feeds the compliance report); a plain index elsewhere.
            models.Index(fields=["held_at"], name="orglife_meeting_report",
                         include=["id", "org", "status", "type_codes", *COUNTED]),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingTypeLink(ScopedModel):
    """One meeting counts for several types (a 主题党日 held with a 党课)."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", related_name="type_links", on_delete=models.CASCADE)
    type = models.CharField("会议类型", max_length=40)

    scope_path = "meeting__org__path"

    class Meta:
        verbose_name = "会议类型"
        verbose_name_plural = "会议类型"
        constraints = [models.UniqueConstraint(fields=["meeting", "type"], name="orglife_unique_meeting_type")]

    def __str__(self) -> str:
        return MeetingType(self.type).label if self.type in MeetingType.values else self.type


class Attendance(ScopedModel):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", related_name="attendances", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="+", on_delete=models.PROTECT)
    name = models.CharField("姓名", max_length=50)
    status = models.CharField("出席情况", max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    voting = models.BooleanField("有表决权", default=True)
    committee = models.BooleanField("委员", default=False)

    scope_path = "meeting__org__path"

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="orglife_unique_attendance")]

    def __str__(self) -> str:
        return f"{self.name} {self.get_status_display()}"


class Attachment(ScopedModel):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField("文件", upload_to="orglife/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_path = "meeting__org__path"

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class Amendment(ScopedModel):
    """A correction to a locked record: what changed and why; never a silent edit."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", related_name="amendments", on_delete=models.CASCADE)
    reason = models.CharField("更正原因", max_length=500)
    before = models.JSONField("更正前", default=dict)
    after = models.JSONField("更正后", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更正人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("更正时间", auto_now_add=True)

    scope_path = "meeting__org__path"

    class Meta:
        verbose_name = "更正记录"
        verbose_name_plural = "更正记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.reason}"


class IntegrityFlag(ScopedModel):
    """An integrity check's finding. It informs and never blocks; ``message`` explains it."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", related_name="flags", on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=20, choices=FlagKind.choices)
    message = models.CharField("说明", max_length=500)
    related = models.ForeignKey(Meeting, verbose_name="相关会议", null=True, blank=True, related_name="+",
                                on_delete=models.CASCADE)
    score = models.FloatField("相似度", null=True, blank=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)

    scope_path = "meeting__org__path"

    class Meta:
        verbose_name = "核查提示"
        verbose_name_plural = "核查提示"
        ordering = ["meeting", "kind"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.message}"


__all__ = ["MeetingType", "Period", "QuorumBase", "AttendanceStatus"]
