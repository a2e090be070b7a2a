"""Forms of the 流动党员 pages: plain fields and pickers; the actions validate and refuse with field errors."""

from __future__ import annotations

from django import forms

from dangjian.core.scoping import CHANGE
from dangjian.members.models import Member
from dangjian.members.pickers import member_picker
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import OutflowStatus, ReportKind, ReportMethod
from .models import Outflow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutflowForm(forms.Form):
    member = member_picker(label="党员")
    place = forms.CharField(label="外出地点", max_length=200, help_text="省、市、县（区），尽量具体")
    reason = forms.CharField(label="外出原因", max_length=200, required=False)
    left_on = forms.DateField(label="外出日期", widget=DATE)
    expected_until = forms.DateField(label="预计返回日期", widget=DATE, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    receiving_org = org_picker(label="流入地党组织（本系统内）", writable=False, required=False)
    receiving_org_text = forms.CharField(label="流入地党组织（系统外）", max_length=200, required=False)

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(user, CHANGE).select_related("org").filter(
            org__path__startswith=org.path, status="normal")
        self.fields["member"].source_query = {"within": org.pk, "normal": "true"}
        self.fields["receiving_org"].queryset = Organization.objects.restrict(user)


class OutflowEditForm(forms.ModelForm):
    """Edits an outflow's facts (the member and the home branch stay; closing has its own form). The
    version it was loaded with goes back with the post, so a concurrent edit is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    receiving_org = org_picker(label="流入地党组织（本系统内）", writable=False, required=False)

    class Meta:
        model = Outflow
        fields = ["place", "reason", "left_on", "expected_until", "contact", "receiving_org", "receiving_org_text",
                  "note"]
        widgets = {"left_on": DATE, "expected_until": DATE}
        help_texts = {"place": "省、市、县（区），尽量具体；外出中的登记改地点时党员档案的流动地点一起改",
                      "receiving_org_text": "选了本系统内的党组织时不填"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_org"].queryset = Organization.objects.restrict(user)
        self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CloseForm(forms.Form):
    status = forms.ChoiceField(label="结果", choices=[c for c in OutflowStatus.choices if c[0] != OutflowStatus.AWAY])
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CardForm(forms.Form):
    number = forms.CharField(label="活动证编号", max_length=50)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    expires_on = forms.DateField(label="有效期至", widget=DATE)


class ReportForm(forms.Form):
    reported_on = forms.DateField(label="报告日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=ReportKind.choices)
    method = forms.ChoiceField(label="方式", choices=ReportMethod.choices)
    content = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="思想、工作、学习情况，参加流入地组织生活情况")


class InflowForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, required=False, help_text="选了党员档案时可不填")
    member = member_picker(label="党员档案（本系统内，可不选）", required=False)
    origin_place = forms.CharField(label="来自（地区）", max_length=100, help_text="如：四川省南充市")
    origin_org = forms.CharField(label="原所在党组织", max_length=200)
    home_contact = forms.CharField(label="原党组织联系方式", max_length=100, required=False)
    phone = forms.CharField(label="本人联系方式", max_length=50, required=False)
    arrived_on = forms.DateField(label="流入日期", widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(user).select_related("org")


class LeaveForm(forms.Form):
    on = forms.DateField(label="离开日期", widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
