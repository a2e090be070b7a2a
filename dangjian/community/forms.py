"""Forms of the 双报到 pages: plain fields; the actions validate and refuse with field errors."""

from __future__ import annotations

from django import forms

from dangjian.core.shortcuts import MISSING_VERSION
from dangjian.orgs.pickers import org_picker

from .choices import Rating, ReportKind
from .models import ServiceNeed

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    """The member asks to report: the community through the picker of all 村/社区 organisations."""

    community = org_picker(label="报到的村（社区）党组织", writable=False, source="api:community_picker")
    kind = forms.ChoiceField(label="报到类型", choices=[("", "按本人情况确定"), *ReportKind.choices], required=False)
    note = forms.CharField(label="说明（可填特长、可服务时间）", max_length=200, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class RecordForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DATE)
    hours = forms.DecimalField(label="时长（小时）", max_digits=4, decimal_places=1, min_value=0)
    what = forms.CharField(label="服务内容", max_length=200)
    need = forms.ModelChoiceField(label="对应的社区需求", queryset=ServiceNeed.objects.none(), required=False,
                                  empty_label="（无）")

    def __init__(self, *args, needs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if needs is not None:
            self.fields["need"].queryset = needs


class NeedForm(forms.Form):
    title = forms.CharField(label="名称", max_length=100)
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    places = forms.IntegerField(label="需要人数", min_value=1, max_value=999, required=False)


class FeedbackForm(forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    rating = forms.ChoiceField(label="评价", choices=Rating.choices)
    comment = forms.CharField(label="反馈意见", max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=MISSING_VERSION)
