"""党费: each member's base and category, approved reductions, the branch's consent to quarterly or
proxy payment, and the payments themselves (docs/dues.md)."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from . import rules
from .choices import ArrangementKind, DuesCategory, PaymentKind, PaymentMethod, ReliefKind

MONEY = {"max_digits": 12, "decimal_places": 2}


class DuesBase(VersionedModel):
    """A member's monthly base and category from a month on (set once a year and when pay changes;
    the new base applies from the month the new pay is first paid). The monthly amount is computed
    by the rules when the base is recorded and kept with the rule version."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="dues_bases",
                               on_delete=models.CASCADE)
    category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField("基数（元）", null=True, blank=True, **MONEY)
    monthly_amount = models.DecimalField("每月应交（元）", **MONEY)
    rule_version = models.CharField("规则版本", max_length=20)
    effective_from = models.DateField("起始月份")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = "党费基数"
        ordering = ["member_id", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["member", "effective_from"], name="dues_base_one_per_month")]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_from:%Y-%m} 起"


class DuesRelief(ScopedModel):
    """减交或免交, valid only with the recorded approval of the level above the member's branch."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="dues_reliefs",
                               on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=10, choices=ReliefKind.choices)
    monthly_amount = models.DecimalField("减交后每月（元）", default=rules.ZERO, **MONEY)
    from_month = models.DateField("起始月份")
    until_month = models.DateField("截止月份", null=True, blank=True)
    reason = models.CharField("原因", max_length=200)
    approved_by_org = models.ForeignKey("orgs.Organization", verbose_name="批准的上级党组织", related_name="+",
                                        on_delete=models.PROTECT)
    approval_ref = models.CharField("批准文号或记录", max_length=100)
    approved_on = models.DateField("批准日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "党费减免"
        verbose_name_plural = "党费减免"
        ordering = ["member_id", "-from_month"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.from_month:%Y-%m} 起"


class DuesArrangement(ScopedModel):
    """The branch's recorded consent to a member paying by quarter or through someone else."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="dues_arrangements",
                               on_delete=models.CASCADE)
    kind = models.CharField("方式", max_length=10, choices=ArrangementKind.choices)
    consented_on = models.DateField("支部同意日期")
    consent_record = models.CharField("同意记录（会议或文书）", max_length=200)
    proxy_name = models.CharField("代交人", max_length=50, blank=True)
    until = models.DateField("有效期至", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "按季度或委托交纳"
        verbose_name_plural = "按季度或委托交纳"
        ordering = ["member_id", "-consented_on"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


class DuesPayment(VersionedModel):
    """One payment: a month's dues (one per member and month) or a voluntary payment. ``org`` is the
    organisation that received it — the ledger stays with it when the member transfers away."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="dues_payments",
                               on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Organization", verbose_name="收缴党组织", related_name="+",
                            on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=10, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", **MONEY)
    expected = models.DecimalField("应交（元）", null=True, blank=True, **MONEY)
    paid_on = models.DateField("交纳日期")
    received_by = models.CharField("收款人", max_length=50)
    method = models.CharField("方式", max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        ordering = ["member_id", "month", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], condition=models.Q(kind="regular"),
                                               name="dues_payment_one_per_month")]
        indexes = [models.Index(fields=["org", "month"], name="dues_payment_org_month"),
                   models.Index(fields=["month"], name="dues_payment_month")]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.amount} 元"

    @property
    def is_late(self) -> bool:
        return self.kind == PaymentKind.REGULAR and rules.is_late_back_payment(self.month, self.paid_on)

    @property
    def to_centre(self) -> bool:
        return rules.goes_to_centre(self.kind, self.amount)
