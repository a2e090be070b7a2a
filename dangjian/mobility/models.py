"""流动党员: a member's outflow from the home branch with its 流动党员活动证 and reports back, and the
inflow register of members from elsewhere taking part locally (docs/mobility.md)."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from .choices import InflowStatus, OutflowStatus, ReportKind, ReportMethod, ReportSource


class Outflow(VersionedModel):
    """A member away from the home branch. ``org`` is the home branch when the outflow was opened
    (the scope); opening and closing keep ``Member.flow_status``/``flow_place`` in step."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="outflows",
                               on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Organization", verbose_name="流出党组织", related_name="+",
                            on_delete=models.PROTECT)
    place = models.CharField("外出地点", max_length=200)
    reason = models.CharField("外出原因", max_length=200, blank=True)
    left_on = models.DateField("外出日期")
    expected_until = models.DateField("预计返回日期", null=True, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    receiving_org = models.ForeignKey("orgs.Organization", verbose_name="流入地党组织（本系统内）",
                                      null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    receiving_org_text = models.CharField("流入地党组织（系统外）", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=OutflowStatus.choices, default=OutflowStatus.AWAY)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "流出党员"
        verbose_name_plural = "流出党员"
        ordering = ["-left_on", "id"]
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(status__in=["away", "lost"]),
                                               name="mobility_one_open_outflow")]
        indexes = [models.Index(fields=["status", "org"], name="mobility_outflow_status_org")]

    def __str__(self) -> str:
        return f"{self.member} → {self.place}"

    @property
    def receiving_label(self) -> str:
        return self.receiving_org.name if self.receiving_org_id else self.receiving_org_text


class ActivityCard(ScopedModel):
    """流动党员活动证, issued for one outflow (a new card when it is renewed)."""

    outflow = models.ForeignKey(Outflow, verbose_name="流出记录", related_name="cards", on_delete=models.CASCADE)
    number = models.CharField("活动证编号", max_length=50, unique=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "outflow__org__path"

    class Meta:
        verbose_name = "流动党员活动证"
        verbose_name_plural = "流动党员活动证"
        ordering = ["outflow_id", "-expires_on"]

    def __str__(self) -> str:
        return self.number


class FlowReport(ScopedModel):
    """The member's report back to the home branch (or a contact), entered by the branch or by the
    member through 我的信息."""

    outflow = models.ForeignKey(Outflow, verbose_name="流出记录", related_name="reports", on_delete=models.CASCADE)
    reported_on = models.DateField("报告日期")
    kind = models.CharField("类型", max_length=10, choices=ReportKind.choices, default=ReportKind.YEARLY)
    method = models.CharField("方式", max_length=10, choices=ReportMethod.choices)
    content = models.TextField("内容")
    source = models.CharField("来源", max_length=10, choices=ReportSource.choices, default=ReportSource.BRANCH)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "outflow__org__path"

    class Meta:
        verbose_name = "流动党员报告"
        verbose_name_plural = "流动党员报告"
        ordering = ["outflow_id", "-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.outflow.member} {self.reported_on}"


class Inflow(VersionedModel):
    """A member from elsewhere taking part in a local organisation (``org``, the scope); linked to
    a Member record when that member is in the tree."""

    name = models.CharField("姓名", max_length=50)
    origin_org = models.CharField("原所在党组织", max_length=200)
    origin_place = models.CharField("来自（地区）", max_length=100)
    home_contact = models.CharField("原党组织联系方式", max_length=100, blank=True)
    phone = models.CharField("本人联系方式", max_length=50, blank=True)
    arrived_on = models.DateField("流入日期")
    org = models.ForeignKey("orgs.Organization", verbose_name="参加活动的党组织", related_name="+",
                            on_delete=models.PROTECT)
    member = models.ForeignKey("members.Member", verbose_name="党员档案（本系统内）", null=True, blank=True,
                               related_name="inflows", on_delete=models.SET_NULL)
    status = models.CharField("状态", max_length=10, choices=InflowStatus.choices, default=InflowStatus.ACTIVE)
    left_on = models.DateField("离开日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "流入党员"
        verbose_name_plural = "流入党员"
        ordering = ["-arrived_on", "id"]
        indexes = [models.Index(fields=["status", "org"], name="mobility_inflow_status_org")]

    def __str__(self) -> str:
        return f"{self.name}（{self.origin_place}）"
