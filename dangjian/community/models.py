"""双报到: a member's report to a community (村/社区) organisation, the needs the community posts, the
member's service records the community confirms, and the yearly feedback to the member's branch.

Scope across two subtrees (docs/architecture.md「权限范围」): a report, its service records and the
feedback belong both to the community and to the member's own branch. Their managers are a
``TwoSidedQuerySet``: ``restrict(user, action)`` keeps a row when either of its two paths
(``scope_paths``) lies under one of the user's positions — still the only road to rows."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.models import ScopedModel, VersionedModel
from dangjian.core.scoping import VIEW, ScopedQuerySet, scope_prefixes

from .choices import OPEN_STATUSES, Rating, RecordStatus, ReportKind, ReportStatus


class TwoSidedQuerySet(ScopedQuerySet):
    """Rows seen from the community's subtree and from the member's branch's subtree."""

    def restrict(self, user, action: str = VIEW):
        prefixes = scope_prefixes(user, action)
        if not prefixes:
            return self.none()
        return self.filter(reduce(or_, (Q(**{f"{field}__startswith": p})
                                        for field in self.model.scope_paths for p in prefixes)))


class CommunityReport(VersionedModel):
    """报到: the member asks, the community accepts (or declines); ended when the member moves on."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="community_reports",
                               on_delete=models.CASCADE)
    community = models.ForeignKey("orgs.Organization", verbose_name="报到村（社区）党组织", related_name="+",
                                  on_delete=models.PROTECT)
    kind = models.CharField("报到类型", max_length=20, choices=ReportKind.choices)
    reported_on = models.DateField("报到日期")
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.REQUESTED)
    note = models.CharField("说明", max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     related_name="+", on_delete=models.SET_NULL)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    decision_note = models.CharField("社区意见", max_length=200, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = TwoSidedQuerySet.as_manager()
    scope_path = "community__path"
    scope_paths = ("community__path", "member__org__path")

    class Meta:
        verbose_name = "报到"
        verbose_name_plural = "报到"
        ordering = ["-reported_on", "id"]
        constraints = [models.UniqueConstraint(fields=["member"], condition=Q(status__in=OPEN_STATUSES),
                                               name="community_one_open_report")]
        indexes = [models.Index(fields=["community", "status"], name="community_report_status")]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"


class ServiceNeed(ScopedModel):
    """需求、服务岗位或项目 posted by the community for its reporting members."""

    community = models.ForeignKey("orgs.Organization", verbose_name="村（社区）党组织", related_name="+",
                                  on_delete=models.PROTECT)
    title = models.CharField("名称", max_length=100)
    description = models.TextField("内容", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    places = models.PositiveSmallIntegerField("需要人数", null=True, blank=True)
    is_open = models.BooleanField("招募中", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    scope_path = "community__path"

    class Meta:
        verbose_name = "社区需求"
        verbose_name_plural = "社区需求"
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title


class ServiceRecord(VersionedModel):
    """One service the member gave: date, hours, what; the community confirms or rejects it."""

    report = models.ForeignKey(CommunityReport, verbose_name="报到", related_name="records",
                               on_delete=models.CASCADE)
    need = models.ForeignKey(ServiceNeed, verbose_name="社区需求", null=True, blank=True, related_name="records",
                             on_delete=models.SET_NULL)
    served_on = models.DateField("服务日期")
    hours = models.DecimalField("时长（小时）", max_digits=4, decimal_places=1)
    what = models.CharField("服务内容", max_length=200)
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices, default=RecordStatus.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     related_name="+", on_delete=models.SET_NULL)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reject_reason = models.CharField("未确认原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = TwoSidedQuerySet.as_manager()
    scope_path = "report__community__path"
    scope_paths = ("report__community__path", "report__member__org__path")

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-served_on", "id"]
        indexes = [models.Index(fields=["report", "served_on"], name="community_record_served")]

    def __str__(self) -> str:
        return f"{self.served_on} {self.what}"


class CommunityFeedback(VersionedModel):
    """The community's yearly feedback on a reporting member, to the member's own branch."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="community_feedback",
                               on_delete=models.CASCADE)
    community = models.ForeignKey("orgs.Organization", verbose_name="村（社区）党组织", related_name="+",
                                  on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    rating = models.CharField("评价", max_length=20, choices=Rating.choices)
    comment = models.CharField("反馈意见", max_length=500, blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    given_at = models.DateTimeField("反馈时间", auto_now_add=True)

    objects = TwoSidedQuerySet.as_manager()
    scope_path = "community__path"
    scope_paths = ("community__path", "member__org__path")

    class Meta:
        verbose_name = "社区反馈"
        verbose_name_plural = "社区反馈"
        ordering = ["-year", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "community", "year"],
                                               name="community_feedback_once_a_year")]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_rating_display()}"
