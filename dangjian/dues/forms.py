"""Forms of the 党费 pages: plain fields; the actions validate and refuse with field errors."""

from __future__ import annotations

import datetime as dt

from django import forms

from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from . import rules
from .choices import ArrangementKind, DuesCategory, PaymentKind, PaymentMethod, ReliefKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        month = rules.parse_month(text)
        if month is None or not 2000 <= month.year <= 2100:
            raise forms.ValidationError("月份格式应为 YYYY-MM，例如 2026-03")
        return month


def month_value(month: dt.date | None) -> str:
    return f"{month:%Y-%m}" if month else ""


class BaseForm(forms.Form):
    category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    base = forms.DecimalField(label="基数（元）", required=False, min_value=0, max_digits=12, decimal_places=2,
                              help_text="在职：税后固定工资；离退休：离退休费；个体：上季度月平均纯收入；"
                                        "农民：每月交纳金额（0.2–1 元）")
    effective_from = MonthField(label="起始月份", help_text="新工资发放的当月")
    note = forms.CharField(label="说明", max_length=200, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=PaymentKind.choices)
    month = MonthField(label="所属月份")
    amount = forms.DecimalField(label="金额（元）", min_value=0, max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label="交纳日期", widget=DATE)
    received_by = forms.CharField(label="收款人", max_length=50)
    method = forms.ChoiceField(label="方式", choices=PaymentMethod.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)


class ArrangementForm(forms.Form):
    kind = forms.ChoiceField(label="方式", choices=ArrangementKind.choices)
    consented_on = forms.DateField(label="支部同意日期", widget=DATE)
    consent_record = forms.CharField(label="同意记录", max_length=200, help_text="例如：2026年3月支委会同意")
    proxy_name = forms.CharField(label="代交人", max_length=50, required=False)
    until = forms.DateField(label="有效期至", required=False, widget=DATE)


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ReliefKind.choices)
    monthly_amount = forms.DecimalField(label="减交后每月（元）", required=False, min_value=0, max_digits=12,
                                        decimal_places=2)
    from_month = MonthField(label="起始月份")
    until_month = MonthField(label="截止月份", required=False)
    reason = forms.CharField(label="原因", max_length=200)
    approved_by_org = org_picker(label="批准的上级党组织")
    approval_ref = forms.CharField(label="批准文号或记录", max_length=100)
    approved_on = forms.DateField(label="批准日期", widget=DATE)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        above = [member.org.path[:end] for end in range(4, len(member.org.path), 4)]
        self.fields["approved_by_org"].queryset = Organization.objects.restrict(user, CHANGE).filter(path__in=above)


class MonthPickForm(forms.Form):
    month = MonthField(label="月份")
    paid_on = forms.DateField(label="交纳日期", widget=DATE)
    received_by = forms.CharField(label="收款人", max_length=50)
